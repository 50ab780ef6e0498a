"""Rules for EC2 instances and launch templates."""

from platform_constructs.policy.rules.ec2 import ebs_encrypted, imdsv2_required

BASELINE_RULES = (imdsv2_required.RULE, ebs_encrypted.RULE)
PRODUCTION_RULES = ()
