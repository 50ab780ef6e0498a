"""msk.customer-managed-key: broker storage is encrypted with a customer-managed key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="msk.customer-managed-key", severity=Severity.MEDIUM, resource_types=("aws_msk_cluster",),
    summary="encryption_info.encryption_at_rest_kms_key_arn names a customer-managed key",
    fix="pass a KmsKey (or let the construct create one) for encryption at rest",
    check=lambda resource, _limits: present(resource, "encryption_info.encryption_at_rest_kms_key_arn",
                                            "storage uses the AWS-managed aws/kafka key"),
)
