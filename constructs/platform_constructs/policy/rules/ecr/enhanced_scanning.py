"""ecr.enhanced-scanning: the registry scans continuously (Amazon Inspector), not only on push."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="ecr.enhanced-scanning", severity=Severity.LOW, resource_types=("aws_ecr_registry_scanning_configuration",),
    summary='scan_type is "ENHANCED"',
    fix='set the registry scanning configuration scan_type = "ENHANCED"',
    check=lambda resource, _limits: literal(resource, "scan_type", "ENHANCED"),
)
