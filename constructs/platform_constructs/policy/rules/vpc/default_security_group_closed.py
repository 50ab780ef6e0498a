"""vpc.default-security-group-closed: the VPC's default security group allows nothing."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    opened = [direction for direction in ("ingress", "egress") if resource.get(direction)]
    return Verdict.require(not opened, f"the default security group has {' and '.join(opened)} rules")


RULE = Rule(
    id="vpc.default-security-group-closed", severity=Severity.MEDIUM, resource_types=("aws_default_security_group",),
    summary="the default security group has no ingress and no egress rules",
    fix="manage aws_default_security_group without ingress/egress blocks (the Network construct does)",
    check=_check,
)
