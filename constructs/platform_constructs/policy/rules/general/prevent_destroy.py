"""general.prevent-destroy: Terraform refuses to destroy a resource that holds data."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

#: Resources whose destruction loses data. KMS keys are not listed: their deletion waits out
#: a 7–30 day window during which it can be cancelled.
STATEFUL_TYPES = (
    "aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group", "aws_msk_cluster",
    "aws_opensearch_domain", "aws_s3_bucket", "aws_ecr_repository",
)

RULE = Rule(
    id="general.prevent-destroy", severity=Severity.HIGH, resource_types=STATEFUL_TYPES,
    summary="lifecycle.prevent_destroy is true",
    fix="keep the construct's deletion_protection prop on (it derives lifecycle.prevent_destroy)",
    check=lambda resource, _limits: literal(resource, "lifecycle.prevent_destroy", True),
)
