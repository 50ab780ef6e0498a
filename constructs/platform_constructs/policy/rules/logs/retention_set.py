"""logs.retention-set: a log group never keeps data forever by omission."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import at_least

RULE = Rule(
    id="logs.retention-set", severity=Severity.MEDIUM, resource_types=("aws_cloudwatch_log_group",),
    summary="the log group has an explicit retention",
    fix="create log groups with LogSettings.log_group(...), which sets retention_in_days from [logs]",
    check=lambda resource, _limits: at_least(resource, "retention_in_days", 1),
)
