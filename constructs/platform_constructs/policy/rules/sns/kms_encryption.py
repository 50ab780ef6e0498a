"""sns.kms-encryption: messages at rest in the topic are encrypted with a KMS key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="sns.kms-encryption", severity=Severity.MEDIUM, resource_types=("aws_sns_topic",),
    summary="kms_master_key_id is set",
    fix="set kms_master_key_id to a rotating KmsKey whose policy admits the publishing services",
    check=lambda resource, _limits: present(resource, "kms_master_key_id", "messages are stored unencrypted"),
)
