"""eks.node-group-no-ssh: nodes take no SSH key; access goes through SSM."""

from platform_constructs.policy.engine import Rule, Severity, Verdict

RULE = Rule(
    id="eks.node-group-no-ssh", severity=Severity.MEDIUM, resource_types=("aws_eks_node_group",),
    summary="the node group has no remote_access (SSH) block",
    fix="remove remote_access; use SSM Session Manager to reach nodes",
    check=lambda resource, _limits: Verdict.require(not resource.get("remote_access"), "remote_access (SSH) is set"),
)
