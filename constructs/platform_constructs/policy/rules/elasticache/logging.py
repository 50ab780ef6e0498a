"""elasticache.logging: slow and engine logs are delivered to CloudWatch."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict

REQUIRED_LOGS = ("slow-log", "engine-log")


def _check(resource: Resource, _limits: object) -> Verdict:
    delivered = {block.get("log_type") for block in resource.blocks("log_delivery_configuration")}
    missing = [kind for kind in REQUIRED_LOGS if kind not in delivered]
    return Verdict.require(not missing, f"log_delivery_configuration lacks {', '.join(missing)}")


RULE = Rule(
    id="elasticache.logging", severity=Severity.LOW, resource_types=("aws_elasticache_replication_group",),
    summary="log_delivery_configuration delivers slow-log and engine-log",
    fix="deliver slow-log and engine-log to log groups made with LogSettings.log_group(...)",
    check=_check,
)
