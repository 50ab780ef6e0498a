"""msk.encryption-in-transit: clients and brokers talk TLS only."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import all_of, literal

RULE = Rule(
    id="msk.encryption-in-transit", severity=Severity.HIGH, resource_types=("aws_msk_cluster",),
    summary='client_broker is "TLS" and in-cluster encryption is on',
    fix='set encryption_in_transit { client_broker = "TLS", in_cluster = true }',
    check=lambda resource, _limits: all_of(
        literal(resource, "encryption_info.encryption_in_transit.client_broker", "TLS", default="TLS"),
        literal(resource, "encryption_info.encryption_in_transit.in_cluster", True, default=True),
    ),
)
