"""WebAcl: the regional WAF web ACL in front of an environment's internet-facing entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_constructs._internal.structs import struct
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.ingress.ingress_props import WafProps
from platform_constructs.observability.log_group import LogSettings

#: CloudWatch log groups receiving WAF logs must have names starting with this.
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"
#: Seconds over which the rate-based rule counts a client's requests.
RATE_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class WebAclRef:
    """A web ACL to associate: its name (for the load balancer's tag) and ARN (for the association)."""

    name: str
    arn: str


def web_acl_name(prefix: str, environment: str) -> str:
    """Name of an environment's web ACL, e.g. ``acme-prod-entries``."""
    return f"{prefix}-{environment}-entries"


def _visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


class WebAcl(Construct):
    """A regional web ACL: a per-client rate limit first, then AWS managed rule groups; everything else allowed.

    Requests are logged to an encrypted log group with the environment's retention (``aws-waf-logs-<name>``),
    with ``Authorization`` and ``Cookie`` headers redacted. Associate it with a load balancer through
    :meth:`associate`.

    Example::

        acl = WebAcl(self, "WebAcl", name="acme-prod-entries", props=env.ingress.waf, logs=logs)
        acl.associate(load_balancer, "AppApi")
    """

    def __init__(self, scope: Construct, construct_id: str, *, name: str, props: WafProps, logs: LogSettings) -> None:
        super().__init__(scope, construct_id)
        rules: list[dict[str, Any]] = [{
            "name": "rate-limit-per-client", "priority": 0, "action": {"block": {}},
            "statement": {"rate_based_statement": {"limit": props.rate_limit, "aggregate_key_type": "IP",
                                                   "evaluation_window_sec": RATE_WINDOW_SECONDS}},
            "visibility_config": _visibility(f"{name}-rate-limit"),
        }]
        rules += [{
            "name": group, "priority": index, "override_action": {"none": {}},
            "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
            "visibility_config": _visibility(f"{name}-{group}"),
        } for index, group in enumerate(props.managed_rule_groups, start=1)]
        self.acl = aws.wafv2_web_acl.Wafv2WebAcl(
            self, "WebAcl", name=name, scope="REGIONAL", description="Rate limit and AWS managed rules",
            default_action={"allow": {}}, rule=[struct(aws.wafv2_web_acl.Wafv2WebAclRule, rule) for rule in rules],
            visibility_config=_visibility(name),
        )
        log_group = logs.log_group(self, "LogGroup", f"{WAF_LOG_GROUP_PREFIX}{name}")
        aws.wafv2_web_acl_logging_configuration.Wafv2WebAclLoggingConfiguration(
            self, "Logging", resource_arn=self.acl.arn, log_destination_configs=[log_group.arn],
            redacted_fields=[struct(aws.wafv2_web_acl_logging_configuration.Wafv2WebAclLoggingConfigurationRedactedFields,
                                    {"single_header": {"name": header}}) for header in ("authorization", "cookie")],
        )
        self.ref = WebAclRef(name=name, arn=self.acl.arn)
