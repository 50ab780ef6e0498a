"""ecr.immutable-tags: a pushed tag always names the same image."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import one_of

RULE = Rule(
    id="ecr.immutable-tags", severity=Severity.MEDIUM, resource_types=("aws_ecr_repository",),
    summary="image_tag_mutability is IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION)",
    fix='set image_tag_mutability = "IMMUTABLE" in [registry]',
    check=lambda resource, _limits: one_of(resource, "image_tag_mutability",
                                           ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"), default="MUTABLE"),
)
