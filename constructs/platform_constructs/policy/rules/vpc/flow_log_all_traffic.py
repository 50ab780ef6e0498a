"""vpc.flow-log-all-traffic: flow logs capture accepted and rejected traffic."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="vpc.flow-log-all-traffic", severity=Severity.MEDIUM, resource_types=("aws_flow_log",),
    summary="the flow log records ALL traffic",
    fix='set network.flow_log_traffic = "ALL"',
    check=lambda resource, _limits: literal(resource, "traffic_type", "ALL"),
)
