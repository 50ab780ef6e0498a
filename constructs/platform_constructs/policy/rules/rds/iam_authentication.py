"""rds.iam-authentication: applications log in with short-lived IAM tokens."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="rds.iam-authentication", severity=Severity.MEDIUM, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="iam_database_authentication_enabled is true",
    fix="set iam_database_authentication_enabled = true",
    check=lambda resource, _limits: literal(resource, "iam_database_authentication_enabled", True),
)
