"""elasticache.snapshot-retention: daily snapshots cover at least the policy's retention window."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import at_least

RULE = Rule(
    id="elasticache.snapshot-retention", severity=Severity.MEDIUM,
    resource_types=("aws_elasticache_replication_group",),
    summary="snapshot_retention_limit is at least policy.limits.cache_snapshot_retention_days",
    fix="raise the snapshot retention in [redis]",
    check=lambda resource, limits: at_least(resource, "snapshot_retention_limit",
                                            limits.cache_snapshot_retention_days, default=0),
)
