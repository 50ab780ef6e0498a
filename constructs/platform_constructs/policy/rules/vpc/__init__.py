"""Rules for VPC networking."""

from platform_constructs.policy.rules.vpc import default_security_group_closed, flow_log_all_traffic, no_public_ingress

BASELINE_RULES = (default_security_group_closed.RULE, no_public_ingress.RULE)
PRODUCTION_RULES = (flow_log_all_traffic.RULE,)
