"""ecr.kms-encryption: image layers are encrypted with a KMS key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="ecr.kms-encryption", severity=Severity.MEDIUM, resource_types=("aws_ecr_repository",),
    summary='encryption_configuration.encryption_type is "KMS"',
    fix='set encryption_configuration { encryption_type = "KMS", kms_key = <key> }',
    check=lambda resource, _limits: literal(resource, "encryption_configuration.encryption_type", "KMS",
                                            default="AES256"),
)
