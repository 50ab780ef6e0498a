"""eks.control-plane-logging: all five control-plane log types go to CloudWatch."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

ALL_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")


def _check(resource: Resource, _limits: object) -> Verdict:
    missing = [kind for kind in ALL_LOG_TYPES if kind not in (resource.get("enabled_cluster_log_types") or [])]
    return Verdict.require(not missing, f"enabled_cluster_log_types lacks {', '.join(missing)}")


RULE = Rule(
    id="eks.control-plane-logging", severity=Severity.MEDIUM, resource_types=("aws_eks_cluster",),
    summary=f"enabled_cluster_log_types has all of {', '.join(ALL_LOG_TYPES)}",
    fix="enable every control-plane log type in [eks]",
    check=_check,
)
