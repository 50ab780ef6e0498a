"""rds.enhanced-monitoring: OS metrics are collected at least every minute."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import one_of

RULE = Rule(
    id="rds.enhanced-monitoring", severity=Severity.LOW, resource_types=("aws_db_instance",),
    summary="monitoring_interval is 1, 5, 10, 15, 30 or 60 seconds (with a monitoring role)",
    fix="set monitoring_interval (≤ 60) in [postgres]",
    check=lambda resource, _limits: one_of(resource, "monitoring_interval", (1, 5, 10, 15, 30, 60), default=0),
)
