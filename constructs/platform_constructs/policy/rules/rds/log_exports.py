"""rds.log-exports: database and upgrade logs are exported to CloudWatch."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

#: Log types that must be exported, by engine prefix.
REQUIRED_EXPORTS = {"postgres": ("postgresql", "upgrade"), "aurora-postgresql": ("postgresql",)}


def _check(resource: Resource, _limits: object) -> Verdict:
    exports = resource.get("enabled_cloudwatch_logs_exports") or []
    required = REQUIRED_EXPORTS.get(str(resource.get("engine")), ())
    missing = [kind for kind in required if kind not in exports]
    if missing:
        return Verdict.non_compliant(f"enabled_cloudwatch_logs_exports lacks {', '.join(missing)}")
    return Verdict.require(bool(exports), "enabled_cloudwatch_logs_exports is empty")


RULE = Rule(
    id="rds.log-exports", severity=Severity.MEDIUM, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="enabled_cloudwatch_logs_exports has the engine's logs (postgresql and upgrade for PostgreSQL)",
    fix='export ["postgresql", "upgrade"] logs (enabled_cloudwatch_logs_exports)',
    check=_check,
)
