"""elasticache.final-snapshot: deleting the cache leaves a final snapshot."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="elasticache.final-snapshot", severity=Severity.MEDIUM, resource_types=("aws_elasticache_replication_group",),
    summary="final_snapshot_identifier is set",
    fix="set final_snapshot_identifier (the RedisCache construct derives it from the group id)",
    check=lambda resource, _limits: present(resource, "final_snapshot_identifier",
                                            "deleting the group discards its data"),
)
