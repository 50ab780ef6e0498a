"""EncryptedLogGroup: a CloudWatch log group that always has a retention and a KMS key."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class LogSettings:
    """How every construct of an environment writes logs: one retention, one KMS key.

    Constructs receive it instead of creating log groups their own way, so no log group in
    the platform can lack retention or encryption.
    """

    retention_days: int
    """Retention of every log group (a CloudWatch retention period)."""
    kms_key_arn: str
    """ARN of the KMS key that encrypts every log group."""

    def log_group(self, scope: Construct, construct_id: str, name: str) -> EncryptedLogGroup:
        """A log group named ``name`` with these settings."""
        return EncryptedLogGroup(scope, construct_id, props=LogGroupProps(
            name=name, retention_days=self.retention_days, kms_key_arn=self.kms_key_arn,
        ))
