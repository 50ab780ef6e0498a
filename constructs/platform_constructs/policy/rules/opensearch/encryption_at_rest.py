"""opensearch.encryption-at-rest: indices and snapshots are encrypted on disk."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="opensearch.encryption-at-rest", severity=Severity.HIGH, resource_types=("aws_opensearch_domain",),
    summary="encrypt_at_rest.enabled is true",
    fix="set encrypt_at_rest { enabled = true, kms_key_id = <key> }",
    check=lambda resource, _limits: literal(resource, "encrypt_at_rest.enabled", True),
)
