"""eks.node-group-on-demand: nodes are on-demand, never reclaimed like spot capacity."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="eks.node-group-on-demand", severity=Severity.MEDIUM, resource_types=("aws_eks_node_group",),
    summary="capacity_type is ON_DEMAND",
    fix='set the node group capacity type to "ON_DEMAND" in [eks]',
    check=lambda resource, _limits: literal(resource, "capacity_type", "ON_DEMAND", default="ON_DEMAND"),
)
