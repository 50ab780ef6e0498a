"""Rules for every resource type."""

from platform_constructs.policy.rules.general import no_secret_literals, prevent_destroy

BASELINE_RULES = (no_secret_literals.RULE,)
PRODUCTION_RULES = (prevent_destroy.RULE,)
