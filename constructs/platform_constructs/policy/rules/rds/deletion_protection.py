"""rds.deletion-protection: the database cannot be deleted by an API call or a stray destroy."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="rds.deletion-protection", severity=Severity.HIGH, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="deletion_protection is true",
    fix="set deletion_protection = true in [postgres]",
    check=lambda resource, _limits: literal(resource, "deletion_protection", True),
)
