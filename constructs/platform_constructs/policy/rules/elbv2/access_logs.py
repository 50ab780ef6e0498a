"""elbv2.access-logs: every request through the load balancer is logged to S3."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="elbv2.access-logs", severity=Severity.MEDIUM, resource_types=("aws_lb", "aws_alb"),
    summary="access_logs.enabled is true",
    fix="set ingress.access_logs = true (logs go to the environment's load-balancer log bucket)",
    check=lambda resource, _limits: literal(resource, "access_logs.enabled", True, default=False),
)
