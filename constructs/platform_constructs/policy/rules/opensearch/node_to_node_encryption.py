"""opensearch.node-to-node-encryption: traffic between nodes is encrypted."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="opensearch.node-to-node-encryption", severity=Severity.HIGH, resource_types=("aws_opensearch_domain",),
    summary="node_to_node_encryption.enabled is true",
    fix="set node_to_node_encryption { enabled = true }",
    check=lambda resource, _limits: literal(resource, "node_to_node_encryption.enabled", True),
)
