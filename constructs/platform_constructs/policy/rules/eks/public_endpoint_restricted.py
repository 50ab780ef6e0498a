"""eks.public-endpoint-restricted: a public API endpoint is limited to known address ranges."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    if resource.get("vpc_config.endpoint_public_access", True) is False:
        return Verdict.not_applicable()
    cidrs = resource.get("vpc_config.public_access_cidrs") or ["0.0.0.0/0"]
    return Verdict.require("0.0.0.0/0" not in cidrs,
                           "the public endpoint accepts 0.0.0.0/0 (vpc_config.public_access_cidrs unset or open)")


RULE = Rule(
    id="eks.public-endpoint-restricted", severity=Severity.HIGH, resource_types=("aws_eks_cluster",),
    summary="a public endpoint lists the CIDRs allowed to reach it",
    fix="list the office/VPN ranges in [eks] public_access_cidrs, or make the endpoint private",
    check=_check,
)
