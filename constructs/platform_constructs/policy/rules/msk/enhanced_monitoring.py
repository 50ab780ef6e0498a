"""msk.enhanced-monitoring: per-broker (or finer) metrics are published."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import one_of

RULE = Rule(
    id="msk.enhanced-monitoring", severity=Severity.LOW, resource_types=("aws_msk_cluster",),
    summary="enhanced_monitoring is PER_BROKER, PER_TOPIC_PER_BROKER or PER_TOPIC_PER_PARTITION",
    fix="raise the enhanced monitoring level in [kafka]",
    check=lambda resource, _limits: one_of(
        resource, "enhanced_monitoring", ("PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"),
        default="DEFAULT"),
)
