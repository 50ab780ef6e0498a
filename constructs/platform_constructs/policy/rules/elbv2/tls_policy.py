"""elbv2.tls-policy: HTTPS listeners negotiate TLS 1.3 and accept nothing older than TLS 1.2."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import shown

#: ALB security policies with TLS 1.3 and a TLS 1.2 minimum (the ``TlsPolicy`` choices of ``[ingress]``).
TLS13_POLICIES = ("ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
                  "ELBSecurityPolicy-TLS13-1-3-2021-06")


def _check(resource: Resource, _limits: object) -> Verdict:
    if resource.get("protocol") != "HTTPS":
        return Verdict.not_applicable()
    policy = resource.get("ssl_policy")
    return Verdict.require(policy in TLS13_POLICIES,
                           f"ssl_policy is {shown(policy)}, must be one of {', '.join(TLS13_POLICIES)}")


RULE = Rule(
    id="elbv2.tls-policy", severity=Severity.HIGH, resource_types=("aws_lb_listener", "aws_alb_listener"),
    summary="HTTPS listeners use a TLS 1.3 security policy with a TLS 1.2 minimum",
    fix="set ingress.tls_policy to an ELBSecurityPolicy-TLS13-* policy",
    check=_check,
)
