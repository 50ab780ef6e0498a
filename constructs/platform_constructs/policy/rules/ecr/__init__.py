"""Rules for ECR repositories and the registry."""

from platform_constructs.policy.rules.ecr import (
    enhanced_scanning,
    immutable_tags,
    kms_encryption,
    no_force_delete,
    scan_on_push,
)

BASELINE_RULES = (scan_on_push.RULE,)
PRODUCTION_RULES = (immutable_tags.RULE, kms_encryption.RULE, no_force_delete.RULE, enhanced_scanning.RULE)
