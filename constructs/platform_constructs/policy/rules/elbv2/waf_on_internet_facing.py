"""elbv2.waf-on-internet-facing: an internet-facing load balancer sits behind the environment's web ACL.

A rule sees one resource, and the association is another; the load balancer therefore carries the ACL's
name as a tag, which :class:`~platform_constructs.ingress.load_balancer.HttpsLoadBalancer` sets exactly
when it creates the association in the same construct.
"""

from platform_constructs.ingress.markers import WEB_ACL_TAG
from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import terraform_value


def _check(resource: Resource, _limits: object) -> Verdict:
    if terraform_value(resource.get("internal", False)) is True:
        return Verdict.not_applicable()
    tags = resource.get("tags") or {}
    return Verdict.require(bool(tags.get(WEB_ACL_TAG)), f"is internet-facing without a web ACL (no {WEB_ACL_TAG} tag)")


RULE = Rule(
    id="elbv2.waf-on-internet-facing", severity=Severity.HIGH, resource_types=("aws_lb", "aws_alb"),
    summary="internet-facing load balancers are associated with a WAF web ACL",
    fix="keep ingress.waf.enabled = true; HttpsLoadBalancer associates the environment's web ACL",
    check=_check,
)
