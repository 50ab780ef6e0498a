"""Rules for ElastiCache (Redis OSS / Valkey) replication groups."""

from platform_constructs.policy.rules.elasticache import (
    at_rest_encryption,
    authentication,
    customer_managed_key,
    final_snapshot,
    logging,
    multi_az,
    snapshot_retention,
    transit_encryption,
)

BASELINE_RULES = (at_rest_encryption.RULE, transit_encryption.RULE, authentication.RULE)
PRODUCTION_RULES = (
    customer_managed_key.RULE, multi_az.RULE, snapshot_retention.RULE, final_snapshot.RULE, logging.RULE,
)
