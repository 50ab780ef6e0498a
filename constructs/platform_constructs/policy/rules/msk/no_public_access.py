"""msk.no-public-access: brokers have no public endpoints."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import literal

RULE = Rule(
    id="msk.no-public-access", severity=Severity.HIGH, resource_types=("aws_msk_cluster",),
    summary='broker public access is "DISABLED"',
    fix="remove broker_node_group_info.connectivity_info.public_access (or set its type to DISABLED)",
    check=lambda resource, _limits: literal(
        resource, "broker_node_group_info.connectivity_info.public_access.type", "DISABLED", default="DISABLED"),
)
