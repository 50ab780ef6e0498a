"""logs.retention-minimum: logs are kept long enough for audits and incident analysis."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import at_least

RULE = Rule(
    id="logs.retention-minimum", severity=Severity.MEDIUM, resource_types=("aws_cloudwatch_log_group",),
    summary="the log group keeps data at least policy.limits.log_retention_days days",
    fix="raise logs.retention_days in the environment file or the tier preset (presets/logs.toml)",
    check=lambda resource, limits: at_least(resource, "retention_in_days", limits.log_retention_days),
)
