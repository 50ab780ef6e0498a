"""Which IAM actions touch application data (no cdktf).

The configuration refuses an administrator-grade policy in ``pod_policy_arns``
(``security/managed_policies.py``); the guardrail rules under ``policy/rules/iam/`` refuse the same, and
wildcards, in every synthesized identity policy. A data action never gets a wildcard resource.
"""

from __future__ import annotations

#: Action prefixes that read or write application data in a store; such an action never gets a wildcard resource.
DATA_ACTION_PREFIXES = ("rds-db:", "elasticache:connect", "kafka-cluster:", "es:eshttp", "s3:getobject",
                        "s3:putobject", "s3:deleteobject", "dynamodb:", "secretsmanager:getsecretvalue", "kms:decrypt")

def is_data_action(action: str) -> bool:
    """Whether an IAM action (any case) reads or writes data in a store."""
    return action.lower().startswith(DATA_ACTION_PREFIXES)
