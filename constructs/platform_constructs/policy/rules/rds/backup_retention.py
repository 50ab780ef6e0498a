"""rds.backup-retention: automated backups cover at least the policy's retention window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import at_least

if TYPE_CHECKING:
    from platform_constructs.policy.limits import PolicyLimits


def _check(resource: Resource, limits: PolicyLimits) -> Verdict:
    if resource.get("replicate_source_db"):
        return Verdict.not_applicable()  # a read replica's backups are its source's
    return at_least(resource, "backup_retention_period", limits.backup_retention_days)


RULE = Rule(
    id="rds.backup-retention", severity=Severity.HIGH, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="backup_retention_period is at least policy.limits.backup_retention_days",
    fix="raise backup_retention_days in [postgres]",
    check=_check,
)
