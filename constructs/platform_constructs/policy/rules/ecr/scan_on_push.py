"""ecr.scan-on-push: every pushed image is scanned for vulnerabilities."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="ecr.scan-on-push", severity=Severity.MEDIUM, resource_types=("aws_ecr_repository",),
    summary="image_scanning_configuration.scan_on_push is true",
    fix="set image_scanning_configuration { scan_on_push = true }",
    check=lambda resource, _limits: literal(resource, "image_scanning_configuration.scan_on_push", True),
)
