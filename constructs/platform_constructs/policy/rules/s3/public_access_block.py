"""s3.public-access-block: the bucket's public access block refuses every form of public access."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")

RULE = Rule(
    id="s3.public-access-block", severity=Severity.HIGH, resource_types=("aws_s3_bucket_public_access_block",),
    summary=f"{', '.join(FLAGS)} are all true",
    fix="set all four public access block flags to true",
    check=lambda resource, _limits: all_of(*(literal(resource, flag, True) for flag in FLAGS)),
)
