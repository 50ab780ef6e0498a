"""elbv2.https-only: a listener either terminates HTTPS or only redirects plain HTTP to HTTPS."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _redirects_to_https(resource: Resource) -> bool:
    actions = resource.blocks("default_action")
    redirects = [Resource(resource.type, resource.name, resource.path, action) for action in actions]
    return bool(actions) and all(action.get("type") == "redirect" and action.get("redirect.protocol") == "HTTPS"
                                 for action in redirects)


def _check(resource: Resource, _limits: object) -> Verdict:
    protocol = resource.get("protocol")
    if protocol == "HTTPS" or (protocol == "HTTP" and _redirects_to_https(resource)):
        return Verdict.compliant()
    return Verdict.non_compliant(f"protocol is {protocol!r} and the listener does not only redirect to HTTPS")


RULE = Rule(
    id="elbv2.https-only", severity=Severity.HIGH, resource_types=("aws_lb_listener", "aws_alb_listener"),
    summary="listeners speak HTTPS; an HTTP listener only redirects to HTTPS",
    fix="publish applications through HttpsLoadBalancer (port 80 redirects, 443 terminates TLS)",
    check=_check,
)
