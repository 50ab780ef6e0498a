"""elasticache.multi-az: a replica in another zone is promoted automatically when the primary fails."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import all_of, at_least, literal


def _check(resource: Resource, _limits: object) -> Verdict:
    nodes = (at_least(resource, "replicas_per_node_group", 1) if resource.get("replicas_per_node_group") is not None
             else at_least(resource, "num_cache_clusters", 2))
    return all_of(literal(resource, "multi_az_enabled", True), literal(resource, "automatic_failover_enabled", True),
                  nodes)


RULE = Rule(
    id="elasticache.multi-az", severity=Severity.HIGH, resource_types=("aws_elasticache_replication_group",),
    summary="multi_az_enabled and automatic_failover_enabled are true with at least one replica",
    fix="set at least 2 nodes with multi_az_enabled and automatic_failover_enabled in [redis]",
    check=_check,
)
