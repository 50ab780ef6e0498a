"""rds.performance-insights: query-level load is recorded for diagnosis."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="rds.performance-insights", severity=Severity.LOW, resource_types=("aws_db_instance",),
    summary="performance_insights_enabled is true",
    fix="turn Performance Insights on in [postgres]",
    check=lambda resource, _limits: literal(resource, "performance_insights_enabled", True),
)
