"""rds.minor-upgrades: minor versions are applied automatically, inside the maintenance window."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

RULE = Rule(
    id="rds.minor-upgrades", severity=Severity.LOW, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="auto_minor_version_upgrade is true and apply_immediately is false",
    fix="keep auto_minor_version_upgrade on and apply_immediately off (changes wait for the maintenance window)",
    check=lambda resource, _limits: all_of(
        literal(resource, "auto_minor_version_upgrade", True, default=True),
        literal(resource, "apply_immediately", False, default=False),
    ),
)
