"""rds.storage-encrypted: database storage, backups and snapshots are encrypted at rest."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="rds.storage-encrypted", severity=Severity.HIGH, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="storage_encrypted is true",
    fix="set storage_encrypted = true with the database's KMS key",
    check=lambda resource, _limits: literal(resource, "storage_encrypted", True),
)
