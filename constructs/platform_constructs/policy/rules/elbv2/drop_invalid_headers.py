"""elbv2.drop-invalid-headers: the load balancer drops HTTP headers with invalid names (request smuggling)."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import literal


def _check(resource: Resource, _limits: object) -> Verdict:
    if resource.get("load_balancer_type", "application") != "application":
        return Verdict.not_applicable()
    return literal(resource, "drop_invalid_header_fields", True, default=False)


RULE = Rule(
    id="elbv2.drop-invalid-headers", severity=Severity.MEDIUM, resource_types=("aws_lb", "aws_alb"),
    summary="application load balancers drop invalid header fields",
    fix="set drop_invalid_header_fields = true (HttpsLoadBalancer always does)",
    check=_check,
)
