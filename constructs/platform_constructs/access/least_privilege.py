"""What least privilege means for the roles the platform creates, in one place (no cdktf).

The configuration refuses an admin policy in ``pod_policy_arns``; the guardrail rules under
``policy/rules/iam/`` refuse the same, and wildcards, in every synthesized identity policy.
"""

from __future__ import annotations

import re

#: AWS-managed policies that grant administration of the account (or of IAM, which amounts to the same).
ADMIN_POLICY_NAMES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
#: Action prefixes that read or write application data in a store; such an action never gets a wildcard resource.
DATA_ACTION_PREFIXES = ("rds-db:", "elasticache:connect", "kafka-cluster:", "es:eshttp", "s3:getobject",
                        "s3:putobject", "s3:deleteobject", "dynamodb:", "secretsmanager:getsecretvalue", "kms:decrypt")

_AWS_MANAGED = re.compile(r"^arn:[^:]*:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


def admin_policy_name(policy_arn: str) -> str | None:
    """The name of the AWS-managed admin policy ``policy_arn`` points at, or ``None``."""
    match = _AWS_MANAGED.match(policy_arn)
    return match.group("name") if match and match.group("name") in ADMIN_POLICY_NAMES else None


def is_data_action(action: str) -> bool:
    """Whether an IAM action (any case) reads or writes data in a store."""
    return action.lower().startswith(DATA_ACTION_PREFIXES)
