"""eks.node-repair: EKS replaces nodes that turn unhealthy."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="eks.node-repair", severity=Severity.LOW, resource_types=("aws_eks_node_group",),
    summary="node_repair_config.enabled is true",
    fix="turn node auto-repair on for the node group in [eks]",
    check=lambda resource, _limits: literal(resource, "node_repair_config.enabled", True),
)
