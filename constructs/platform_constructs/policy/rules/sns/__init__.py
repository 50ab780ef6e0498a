"""Rules for SNS topics."""

from platform_constructs.policy.rules.sns import kms_encryption

BASELINE_RULES = (kms_encryption.RULE,)
PRODUCTION_RULES = ()
