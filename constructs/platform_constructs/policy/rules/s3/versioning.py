"""s3.versioning: overwritten and deleted objects can be restored."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="s3.versioning", severity=Severity.MEDIUM, resource_types=("aws_s3_bucket_versioning",),
    summary='versioning_configuration.status is "Enabled"',
    fix='set versioning_configuration { status = "Enabled" }',
    check=lambda resource, _limits: literal(resource, "versioning_configuration.status", "Enabled"),
)
