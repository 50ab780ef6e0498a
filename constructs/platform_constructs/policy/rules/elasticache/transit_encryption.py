"""elasticache.transit-encryption: clients must talk TLS to the cache."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

RULE = Rule(
    id="elasticache.transit-encryption", severity=Severity.HIGH, resource_types=("aws_elasticache_replication_group",),
    summary='transit_encryption_enabled is true and transit_encryption_mode is "required"',
    fix='set transit_encryption_enabled = true and transit_encryption_mode = "required"',
    check=lambda resource, _limits: all_of(
        literal(resource, "transit_encryption_enabled", True),
        # Without a mode, a new group with transit encryption starts in "required".
        literal(resource, "transit_encryption_mode", "required", default="required"),
    ),
)
