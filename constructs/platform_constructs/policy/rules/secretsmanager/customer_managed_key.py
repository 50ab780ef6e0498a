"""secretsmanager.customer-managed-key: secrets are encrypted with a customer-managed key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="secretsmanager.customer-managed-key", severity=Severity.MEDIUM, resource_types=("aws_secretsmanager_secret",),
    summary="kms_key_id is set",
    fix="set kms_key_id to a rotating KmsKey",
    check=lambda resource, _limits: present(resource, "kms_key_id", "the secret uses the AWS-managed key"),
)
