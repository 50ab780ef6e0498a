"""eks.node-group-update: a node group update never takes down more than a bounded share of nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict, is_reference

if TYPE_CHECKING:
    from platform_constructs.policy.limits import PolicyLimits


def _check(resource: Resource, limits: PolicyLimits) -> Verdict:
    percentage = resource.get("update_config.max_unavailable_percentage")
    absolute = resource.get("update_config.max_unavailable")
    limit = limits.node_group_max_unavailable_percentage
    if percentage is not None:
        return Verdict.require(not is_reference(percentage) and percentage <= limit,
                               f"update_config.max_unavailable_percentage is {percentage}, must be at most {limit}")
    # Without update_config EKS updates one node at a time.
    return Verdict.require(absolute is None or absolute == 1,
                           f"update_config.max_unavailable is {absolute}; use a percentage of at most {limit} or 1")


RULE = Rule(
    id="eks.node-group-update", severity=Severity.MEDIUM, resource_types=("aws_eks_node_group",),
    summary="update_config.max_unavailable_percentage is at most policy.limits.node_group_max_unavailable_percentage",
    fix="lower the node group's max_unavailable_percentage in [eks]",
    check=_check,
)
