"""elasticache.customer-managed-key: the cache is encrypted at rest with a customer-managed key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="elasticache.customer-managed-key", severity=Severity.MEDIUM,
    resource_types=("aws_elasticache_replication_group",),
    summary="kms_key_id names a customer-managed key",
    fix="pass a KmsKey (or let the construct create one) so kms_key_id is set",
    check=lambda resource, _limits: present(resource, "kms_key_id", "data at rest uses the AWS-managed key"),
)
