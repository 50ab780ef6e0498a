"""rds.not-public: the database has no public IP address."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="rds.not-public", severity=Severity.HIGH, resource_types=("aws_db_instance",),
    summary="publicly_accessible is false",
    fix="set publicly_accessible = false and place the database in the isolated subnets",
    check=lambda resource, _limits: literal(resource, "publicly_accessible", False, default=False),
)
