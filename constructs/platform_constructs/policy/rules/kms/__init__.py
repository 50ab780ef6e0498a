"""Rules for KMS keys."""

from platform_constructs.policy.rules.kms import key_rotation

BASELINE_RULES = (key_rotation.RULE,)
PRODUCTION_RULES = ()
