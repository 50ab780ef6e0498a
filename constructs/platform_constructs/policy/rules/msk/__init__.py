"""Rules for MSK (Kafka) clusters and configurations."""

from platform_constructs.policy.rules.msk import (
    authentication,
    broker_logs,
    customer_managed_key,
    encryption_in_transit,
    enhanced_monitoring,
    no_public_access,
    replication_settings,
)

BASELINE_RULES = (encryption_in_transit.RULE, authentication.RULE, no_public_access.RULE)
PRODUCTION_RULES = (customer_managed_key.RULE, broker_logs.RULE, enhanced_monitoring.RULE, replication_settings.RULE)
