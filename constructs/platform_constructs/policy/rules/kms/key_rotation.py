"""kms.key-rotation: customer-managed keys rotate their key material every year."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="kms.key-rotation", severity=Severity.HIGH, resource_types=("aws_kms_key",),
    summary="the KMS key rotates its key material automatically",
    fix="set enable_key_rotation = true (the KmsKey construct always does)",
    check=lambda resource, _limits: literal(resource, "enable_key_rotation", True),
)
