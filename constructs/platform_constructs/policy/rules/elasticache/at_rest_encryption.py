"""elasticache.at-rest-encryption: cache data and snapshots are encrypted on disk."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="elasticache.at-rest-encryption", severity=Severity.HIGH, resource_types=("aws_elasticache_replication_group",),
    summary="at_rest_encryption_enabled is true",
    fix="set at_rest_encryption_enabled = true with the cache's KMS key",
    check=lambda resource, _limits: literal(resource, "at_rest_encryption_enabled", True),
)
