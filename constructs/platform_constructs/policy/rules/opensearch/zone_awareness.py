"""opensearch.zone-awareness: shards and replicas are spread over several zones."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="opensearch.zone-awareness", severity=Severity.MEDIUM, resource_types=("aws_opensearch_domain",),
    summary="cluster_config.zone_awareness_enabled is true",
    fix="enable zone awareness over the environment's zones in [search]",
    check=lambda resource, _limits: literal(resource, "cluster_config.zone_awareness_enabled", True),
)
