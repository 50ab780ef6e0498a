"""Rules for OpenSearch domains."""

from platform_constructs.policy.rules.opensearch import (
    customer_managed_key,
    dedicated_masters,
    encryption_at_rest,
    fine_grained_access,
    https_only,
    logging,
    node_to_node_encryption,
    vpc_only,
    zone_awareness,
)

BASELINE_RULES = (
    vpc_only.RULE, encryption_at_rest.RULE, node_to_node_encryption.RULE, https_only.RULE, fine_grained_access.RULE,
)
PRODUCTION_RULES = (customer_managed_key.RULE, dedicated_masters.RULE, zone_awareness.RULE, logging.RULE)
