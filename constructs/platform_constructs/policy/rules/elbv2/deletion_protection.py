"""elbv2.deletion-protection: the load balancer cannot be deleted by an API call or a stray destroy."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="elbv2.deletion-protection", severity=Severity.MEDIUM, resource_types=("aws_lb", "aws_alb"),
    summary="enable_deletion_protection is true",
    fix="set ingress.deletion_protection = true",
    check=lambda resource, _limits: literal(resource, "enable_deletion_protection", True, default=False),
)
