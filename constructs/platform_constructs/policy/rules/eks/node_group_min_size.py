"""eks.node-group-min-size: a node group keeps enough nodes to survive the loss of one zone."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import at_least

RULE = Rule(
    id="eks.node-group-min-size", severity=Severity.MEDIUM, resource_types=("aws_eks_node_group",),
    summary="scaling_config.min_size is at least policy.limits.node_group_min_size",
    fix="raise the node group's min_size in [eks] (one node per zone at least)",
    check=lambda resource, limits: at_least(resource, "scaling_config.min_size", limits.node_group_min_size),
)
