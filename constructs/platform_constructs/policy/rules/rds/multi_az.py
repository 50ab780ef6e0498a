"""rds.multi-az: a standby in a second zone takes over when the primary's zone fails."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="rds.multi-az", severity=Severity.HIGH, resource_types=("aws_db_instance",),
    summary="multi_az is true",
    fix="set multi_az = true in [postgres]",
    check=lambda resource, _limits: literal(resource, "multi_az", True),
)
