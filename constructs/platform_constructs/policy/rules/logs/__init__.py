"""Rules for CloudWatch log groups."""

from platform_constructs.policy.rules.logs import kms_encryption, retention_minimum, retention_set

BASELINE_RULES = (retention_set.RULE, kms_encryption.RULE)
PRODUCTION_RULES = (retention_minimum.RULE,)
