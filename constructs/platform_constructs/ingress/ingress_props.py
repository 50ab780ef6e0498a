"""Props of the ``[ingress]`` section: how an environment's application entries are built.

Tier policy, not application data: which TLS policy the listeners use, whether access logs are
kept and how long, deletion protection, whether applications share one load balancer (dev, to
save cost) or get their own (staging and prod, so one application's change cannot touch another's
entry), the WAF in front of internet-facing entries, and whether internet-facing entries are
allowed at all. Tier values live in ``config/presets/ingress.toml``; the model defaults are the
production shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_constructs.props import MAY_DIFFER, Cidr, Props, StrictBool, StrictInt

LoadBalancerSharing = Literal["shared", "dedicated"]
#: ALB security policies that negotiate TLS 1.3 and accept nothing older than TLS 1.2.
TlsPolicy = Literal[
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
]
#: AWS managed rule groups (vendor ``AWS``) the web ACL may use; all are free of subscription fees.
ManagedRuleGroup = Literal[
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesLinuxRuleSet",
    "AWSManagedRulesUnixRuleSet",
    "AWSManagedRulesAdminProtectionRuleSet",
]
#: WAF accepts rate limits from 10 requests per evaluation window.
MIN_RATE_LIMIT = 10


class WafProps(Props):
    """The regional WAF web ACL in front of internet-facing entries."""

    enabled: StrictBool = True
    """Associate the environment's web ACL with every internet-facing load balancer. Default: ``True``."""
    managed_rule_groups: tuple[ManagedRuleGroup, ...] = (
        "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
    )
    """AWS managed rule groups evaluated in this order, after the rate limit. Default: IP reputation,
    common rule set, known bad inputs (which covers Log4Shell)."""
    rate_limit: StrictInt = Field(default=2000, ge=MIN_RATE_LIMIT, le=2_000_000_000, json_schema_extra=MAY_DIFFER)
    """Requests one client IP may send in five minutes before it is blocked. Default: 2000."""


class IngressProps(Props):
    """Settings of every application entry of the environment; tier defaults in ``config/presets/ingress.toml``."""

    load_balancer: LoadBalancerSharing = "dedicated"
    """``shared``: one load balancer per visibility for all applications, in the platform stack (cheap);
    ``dedicated``: one per application, in its own stack (a change to one entry cannot touch another).
    Default: ``dedicated``."""
    internet_facing_allowed: StrictBool = True
    """Whether an application may set ``visibility = "internet-facing"``. Default: ``True``."""
    tls_policy: TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    """Security policy of the HTTPS listeners: TLS 1.3 preferred, TLS 1.2 the oldest accepted.
    Default: ``ELBSecurityPolicy-TLS13-1-2-2021-06``."""
    access_logs: StrictBool = True
    """Write load-balancer access logs to the environment's log bucket. Default: ``True``."""
    access_log_retention_days: StrictInt = Field(default=365, ge=1, le=3650, json_schema_extra=MAY_DIFFER)
    """Days access logs are kept before they expire. Default: 365."""
    deletion_protection: StrictBool = True
    """Refuse to delete the load balancers through the API (and ``prevent_destroy`` on them). Default: ``True``."""
    internal_client_cidrs: tuple[Cidr, ...] = Field(default=(), json_schema_extra=MAY_DIFFER)
    """Networks outside the VPC that may reach internal entries (VPN, the CI network, peered VPCs);
    the VPC itself always may. Default: none."""
    waf: WafProps = Field(default_factory=WafProps)
    """The web ACL of internet-facing entries. Default: on, with the common managed rule groups."""
