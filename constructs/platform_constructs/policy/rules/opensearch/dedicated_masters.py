"""opensearch.dedicated-masters: three dedicated master nodes keep the cluster state available."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal, one_of

RULE = Rule(
    id="opensearch.dedicated-masters", severity=Severity.MEDIUM, resource_types=("aws_opensearch_domain",),
    summary="cluster_config.dedicated_master_enabled is true with 3 or 5 masters",
    fix="enable 3 dedicated masters in [search]",
    check=lambda resource, _limits: all_of(
        literal(resource, "cluster_config.dedicated_master_enabled", True),
        one_of(resource, "cluster_config.dedicated_master_count", (3, 5)),
    ),
)
