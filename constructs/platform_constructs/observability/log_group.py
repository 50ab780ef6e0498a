"""EncryptedLogGroup: a CloudWatch log group that always has a retention and a KMS key."""

from __future__ import annotations

from platform_constructs._internal.tf import Construct, aws
from platform_constructs.props import LogRetentionDays, Props, StrictStr


class LogGroupProps(Props):
    """Props of :class:`EncryptedLogGroup`."""

    name: StrictStr
    """Log group name, e.g. ``/aws/vpc/acme-dev-flow-logs``. Default: required."""
    retention_days: LogRetentionDays
    """Retention in days; CloudWatch's fixed periods only. Default: required (never "forever")."""
    kms_key_arn: StrictStr
    """ARN of the KMS key that encrypts the log data. Default: required."""


class EncryptedLogGroup(Construct):
    """A log group whose retention and encryption cannot be forgotten.

    The terraform-aws-modules defaults ("never expire" retention, no key) are the most common
    finding against them; this construct has no such default.
    """

    def __init__(self, scope: Construct, construct_id: str, *, props: LogGroupProps) -> None:
        super().__init__(scope, construct_id)
        self.log_group = aws.cloudwatch_log_group.CloudwatchLogGroup(
            self,
            "LogGroup",
            name=props.name,
            retention_in_days=props.retention_days,
            kms_key_id=props.kms_key_arn,
        )
        self.name: str = self.log_group.name
        self.arn: str = self.log_group.arn
