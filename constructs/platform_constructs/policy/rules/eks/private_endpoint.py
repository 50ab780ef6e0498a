"""eks.private-endpoint: the Kubernetes API is reachable only from inside the VPC."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

RULE = Rule(
    id="eks.private-endpoint", severity=Severity.HIGH, resource_types=("aws_eks_cluster",),
    summary="the cluster endpoint is private only",
    fix="turn the public endpoint off in [eks] (endpoint_public_access = false) and reach the API through the VPC",
    check=lambda resource, _limits: all_of(
        literal(resource, "vpc_config.endpoint_public_access", False, default=True),
        literal(resource, "vpc_config.endpoint_private_access", True, default=False),
    ),
)
