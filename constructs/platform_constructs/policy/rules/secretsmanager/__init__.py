"""Rules for Secrets Manager secrets."""

from platform_constructs.policy.rules.secretsmanager import customer_managed_key

BASELINE_RULES = ()
PRODUCTION_RULES = (customer_managed_key.RULE,)
