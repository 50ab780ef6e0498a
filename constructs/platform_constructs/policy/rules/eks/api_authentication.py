"""eks.api-authentication: cluster access is granted through access entries only (no aws-auth)."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="eks.api-authentication", severity=Severity.MEDIUM, resource_types=("aws_eks_cluster",),
    summary='access_config.authentication_mode is "API"',
    fix='set access_config { authentication_mode = "API" } and grant access with access entries',
    check=lambda resource, _limits: literal(resource, "access_config.authentication_mode", "API"),
)
