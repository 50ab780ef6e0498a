"""KmsKey: a customer-managed KMS key that always rotates."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from platform_constructs._internal.aws_context import account_id, partition, policy_document, region_name
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.props import Props, StrictInt, StrictStr


class KmsKeyProps(Props):
    """Props of :class:`KmsKey`."""

    alias: StrictStr = Field(pattern=r"^[a-zA-Z0-9/_-]+$")
    """Alias without the ``alias/`` prefix, e.g. ``acme-prod-logs``. Default: required."""
    description: StrictStr
    """What the key protects. Default: required."""
    service_principals: tuple[StrictStr, ...] = ()
    """Service principals (``logs.amazonaws.com`` style, region added for ``logs``) allowed to use the key.
    Default: none."""
    deletion_window_days: StrictInt = Field(default=30, ge=7, le=30)
    """Waiting period before a scheduled deletion completes. Default: 30 (the maximum)."""


class KmsKey(Construct):
    """A customer-managed key with rotation on and a key policy scoped to this account.

    The account root keeps administrative access (so IAM policies can grant use), and the listed
    service principals may use the key only on behalf of this account.

    Example::

        key = KmsKey(self, "LogsKey", props=KmsKeyProps(alias="acme-dev-logs",
                     description="CloudWatch log groups", service_principals=("logs",)))
    """

    def __init__(self, scope: Construct, construct_id: str, *, props: KmsKeyProps) -> None:
        super().__init__(scope, construct_id)
        account, aws_partition, region = account_id(self), partition(self), region_name(self)
        statements = [
            {
                "Sid": "AccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{aws_partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        for service in props.service_principals:
            statements.append(self._service_statement(service, account, aws_partition, region))
        self.key = aws.kms_key.KmsKey(
            self,
            "Key",
            description=props.description,
            enable_key_rotation=True,
            deletion_window_in_days=props.deletion_window_days,
            policy=policy_document(*statements),
        )
        aws.kms_alias.KmsAlias(self, "Alias", name=f"alias/{props.alias}", target_key_id=self.key.key_id)
        self.arn: str = self.key.arn
        self.key_id: str = self.key.key_id

    @staticmethod
    def _service_statement(service: str, account: str, aws_partition: str, region: str) -> dict[str, Any]:
        if service == "logs":
            # CloudWatch Logs is regional and binds each use to a log group ARN of this account.
            return {
                "Sid": "CloudWatchLogs",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{aws_partition}:logs:{region}:{account}:*"}
                },
            }
        return {
            "Sid": "Service" + "".join(part.capitalize() for part in service.replace("-", ".").split(".")),
            "Effect": "Allow",
            "Principal": {"Service": f"{service}.amazonaws.com"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }
