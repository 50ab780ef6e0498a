"""s3.no-force-destroy: a bucket holding objects cannot be destroyed with them."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="s3.no-force-destroy", severity=Severity.HIGH, resource_types=("aws_s3_bucket",),
    summary="force_destroy is false",
    fix="set force_destroy = false",
    check=lambda resource, _limits: literal(resource, "force_destroy", False, default=False),
)
