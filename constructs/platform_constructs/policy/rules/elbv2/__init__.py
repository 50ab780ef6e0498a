"""Rules for Application Load Balancers and their listeners."""

from platform_constructs.policy.rules.elbv2 import (
    access_logs,
    deletion_protection,
    drop_invalid_headers,
    https_only,
    tls_policy,
    waf_on_internet_facing,
)

BASELINE_RULES = (tls_policy.RULE, https_only.RULE, drop_invalid_headers.RULE)
PRODUCTION_RULES = (access_logs.RULE, deletion_protection.RULE, waf_on_internet_facing.RULE)

