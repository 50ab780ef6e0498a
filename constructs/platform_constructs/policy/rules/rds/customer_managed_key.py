"""rds.customer-managed-key: the database is encrypted with a customer-managed, rotating key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="rds.customer-managed-key", severity=Severity.MEDIUM, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="kms_key_id names a customer-managed key",
    fix="pass a KmsKey (or let the construct create one) so kms_key_id is set",
    check=lambda resource, _limits: present(resource, "kms_key_id", "storage uses the AWS-managed aws/rds key"),
)
