"""msk.broker-logs: broker logs are delivered somewhere they are kept."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

DESTINATIONS = ("cloudwatch_logs", "firehose", "s3")


def _check(resource: Resource, _limits: object) -> Verdict:
    enabled = [name for name in DESTINATIONS if resource.get(f"logging_info.broker_logs.{name}.enabled") is True]
    return Verdict.require(bool(enabled), "logging_info.broker_logs has no enabled destination")


RULE = Rule(
    id="msk.broker-logs", severity=Severity.MEDIUM, resource_types=("aws_msk_cluster",),
    summary="broker logs go to CloudWatch Logs, Firehose or S3",
    fix="enable logging_info.broker_logs.cloudwatch_logs with a log group from LogSettings.log_group(...)",
    check=_check,
)
