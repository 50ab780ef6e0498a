"""Rules for IAM identity policies and policy attachments: least privilege in every tier."""

from platform_constructs.policy.rules.iam import no_admin_policies, no_wildcard_actions, no_wildcard_data_resources

BASELINE_RULES = (no_wildcard_actions.RULE, no_wildcard_data_resources.RULE, no_admin_policies.RULE)
PRODUCTION_RULES = ()
