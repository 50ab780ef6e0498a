"""vpc.no-public-ingress: no security group accepts traffic from the whole internet."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

_ANYWHERE = {"0.0.0.0/0", "::/0"}


def _sources(resource: Resource) -> set[str]:
    if resource.type == "aws_vpc_security_group_ingress_rule":
        return {resource.get("cidr_ipv4"), resource.get("cidr_ipv6")} & _ANYWHERE
    if resource.type == "aws_security_group_rule":
        if resource.get("type") != "ingress":
            return set()
        return set((resource.get("cidr_blocks") or []) + (resource.get("ipv6_cidr_blocks") or [])) & _ANYWHERE
    found: set[str] = set()
    for rule in resource.blocks("ingress"):
        found |= set((rule.get("cidr_blocks") or []) + (rule.get("ipv6_cidr_blocks") or [])) & _ANYWHERE
    return found


def _check(resource: Resource, _limits: object) -> Verdict:
    sources = _sources(resource)
    return Verdict.require(not sources, f"ingress is open to {', '.join(sorted(sources))}")


RULE = Rule(
    id="vpc.no-public-ingress", severity=Severity.HIGH,
    resource_types=("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"),
    summary="ingress comes from named security groups or private ranges, never 0.0.0.0/0 or ::/0",
    fix="wire access with <construct>.allow_from(source) (one port from one security group)",
    check=_check,
)
