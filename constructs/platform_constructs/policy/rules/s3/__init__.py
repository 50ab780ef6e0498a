"""Rules for S3 buckets."""

from platform_constructs.policy.rules.s3 import kms_encryption, no_force_destroy, public_access_block, versioning

BASELINE_RULES = (public_access_block.RULE,)
PRODUCTION_RULES = (kms_encryption.RULE, versioning.RULE, no_force_destroy.RULE)
