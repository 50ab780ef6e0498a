"""ecr.no-force-delete: a repository holding images cannot be deleted with them."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="ecr.no-force-delete", severity=Severity.HIGH, resource_types=("aws_ecr_repository",),
    summary="force_delete is false",
    fix="set force_delete = false (only dev registries may force-delete)",
    check=lambda resource, _limits: literal(resource, "force_delete", False, default=False),
)
