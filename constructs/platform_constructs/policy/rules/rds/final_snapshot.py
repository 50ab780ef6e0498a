"""rds.final-snapshot: deleting the database leaves a final snapshot and its automated backups."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules._predicates import all_of, literal


def _check(resource: Resource, _limits: object) -> Verdict:
    final_snapshot = literal(resource, "skip_final_snapshot", False, default=False)
    if resource.type == "aws_rds_cluster":
        return final_snapshot  # cluster backups follow the cluster's own retention
    # The provider deletes automated backups with the instance unless told otherwise.
    return all_of(final_snapshot, literal(resource, "delete_automated_backups", False, default=True))


RULE = Rule(
    id="rds.final-snapshot", severity=Severity.HIGH, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="skip_final_snapshot is false and automated backups outlive the database",
    fix="set skip_final_snapshot = false (with final_snapshot_identifier) and delete_automated_backups = false",
    check=_check,
)
