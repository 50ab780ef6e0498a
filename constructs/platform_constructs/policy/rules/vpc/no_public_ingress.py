"""vpc.no-public-ingress: no security group accepts traffic from the whole internet, except on the listener
ports of an internet-facing load balancer."""

from platform_constructs.ingress.markers import EXPOSURE_TAG, INTERNET_FACING_LISTENER, LISTENER_PORTS
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


def _is_public_listener_port(resource: Resource) -> bool:
    """One TCP listener port (80 or 443) of an internet-facing load balancer, as the ingress constructs mark it."""
    tags = resource.get("tags") or {}
    return (resource.type == "aws_vpc_security_group_ingress_rule"
            and tags.get(EXPOSURE_TAG) == INTERNET_FACING_LISTENER
            and resource.get("ip_protocol") == "tcp"
            and resource.get("from_port") == resource.get("to_port")
            and resource.get("from_port") in LISTENER_PORTS)


def _check(resource: Resource, _limits: object) -> Verdict:
    sources = _sources(resource)
    if not sources or _is_public_listener_port(resource):
        return Verdict.compliant()
    return Verdict.non_compliant(f"ingress is open to {', '.join(sorted(sources))}")


RULE = Rule(
    id="vpc.no-public-ingress", severity=Severity.HIGH,
    resource_types=("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"),
    summary="ingress comes from named security groups or private ranges; 0.0.0.0/0 and ::/0 only on TCP 80/443 "
            "of an internet-facing load balancer (HttpsLoadBalancer)",
    fix="wire access with <construct>.allow_from(source) (one port from one security group); publish an "
        "application with [apps.<name>.ingress] visibility = \"internet-facing\" instead of opening a group",
    check=_check,
)
