"""Props of the Kafka cluster (MSK) and the rules that tie them to the zones they run in."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from platform_constructs.errors import Problem
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr

EnhancedMonitoring = Literal["DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"]

#: MSK spreads the brokers of a cluster over two or three availability zones.
MSK_ZONE_COUNTS = (2, 3)

#: Standard brokers (EBS storage this library autoscales). Express brokers (``express.*``) manage
#: their own storage and had no broker-log support, so they are not offered.
_BROKER_TYPE = re.compile(r"^kafka\.(t3\.small|m5\.(x?large|(2|4|8|12|16|24)xlarge)"
                          r"|m7g\.(x?large|(2|4|8|12|16)xlarge))$")


def _broker_type(value: str) -> str:
    if not _BROKER_TYPE.match(value):
        raise ValueError(
            "must be a standard MSK broker type: kafka.t3.small, kafka.m5.<large|xlarge|2xlarge…24xlarge> "
            "or kafka.m7g.<large|xlarge|2xlarge…16xlarge>; Express brokers (express.*) are not supported"
        )
    return value


#: An MSK standard broker instance type such as ``kafka.m7g.large``.
BrokerInstanceType = Annotated[StrictStr, AfterValidator(_broker_type)]
#: A Kafka topic name (Kafka allows letters, digits, ``.``, ``_`` and ``-``, at most 249 characters).
TopicName = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,249}$")]


class KafkaTopic(Props):
    """A topic of the cluster, created (and grown) by the in-store grants of the applications that use it."""

    partitions: StrictInt = Field(default=3, ge=1, le=1000, json_schema_extra=MAY_DIFFER)
    """Partitions: the most consumers of one group that read in parallel. Partitions are only ever added
    (Kafka cannot remove them, and adding moves keys to other partitions). Default: 3."""
    replication_factor: StrictInt | None = Field(default=None, ge=2, le=5)
    """Copies of every partition; at most the broker count. Default: derived – the cluster's ``replication_factor``."""


class KafkaProps(Props):
    """Settings of the Kafka cluster (MSK); tier defaults live in ``config/presets/kafka.toml``.

    What is not a prop is not negotiable: TLS between clients and brokers and inside the
    cluster, SASL/IAM client authentication with unauthenticated access off, a customer-managed
    key for the broker volumes, broker logs to CloudWatch, and ``auto.create.topics.enable=false``.
    """

    enabled: StrictBool = True
    """Whether the environment has this Kafka cluster; applications can declare a use of it only when it does.
    Default: ``True``."""
    kafka_version: StrictStr = Field(default="3.8.x", pattern=r"^\d+\.\d+\.(\d+|x)([.-][a-z0-9]+)*$")
    """Apache Kafka version; an ``.x`` version lets MSK apply patch releases. Changing it renames the
    broker configuration. Default: ``3.8.x`` (the line MSK recommends)."""
    broker_count: StrictInt = Field(default=3, ge=2, json_schema_extra=MAY_DIFFER)
    """Number of brokers; a multiple of the zones so every zone holds the same number. Default: 3."""
    instance_type: BrokerInstanceType = Field(default="kafka.m7g.large", json_schema_extra=MAY_DIFFER)
    """Broker instance type (standard brokers only). Default: ``kafka.m7g.large``."""
    volume_size_gib: StrictInt = Field(default=100, ge=1, le=16384, json_schema_extra=MAY_DIFFER)
    """EBS storage per broker at creation (GiB); storage autoscaling grows it later and Terraform
    then leaves the grown size alone. Default: 100."""
    max_volume_size_gib: StrictInt = Field(default=1000, ge=2, le=16384, json_schema_extra=MAY_DIFFER)
    """Ceiling of storage autoscaling per broker (GiB); must exceed ``volume_size_gib``. Default: 1000."""
    storage_target_percent: StrictInt = Field(default=70, ge=10, le=80, json_schema_extra=MAY_DIFFER)
    """Disk utilisation that triggers a storage expansion (MSK accepts 10–80). Default: 70."""
    replication_factor: StrictInt = Field(default=3, ge=2)
    """``default.replication.factor`` of topics created without one; at most ``broker_count``. Default: 3."""
    min_insync_replicas: StrictInt = Field(default=2, ge=1)
    """``min.insync.replicas``: replicas that must have an ``acks=all`` write; below
    ``replication_factor`` so producers keep writing while one broker is down. Default: 2."""
    enhanced_monitoring: EnhancedMonitoring = Field(default="PER_TOPIC_PER_BROKER", json_schema_extra=MAY_DIFFER)
    """CloudWatch metric granularity; finer levels cost more. Default: ``PER_TOPIC_PER_BROKER``."""
    prometheus_exporters: StrictBool = True
    """Open monitoring: JMX and node exporters on every broker for Prometheus to scrape. Default: on."""
    topics: dict[TopicName, KafkaTopic] = Field(default_factory=dict)
    """Topics of the environment (``[kafka.topics."orders.events"]``); applications produce to and consume from
    these only. ``auto.create.topics.enable`` is off, so no other topic exists. Default: none."""
    deletion_protection: StrictBool = True
    """Refuse to destroy the cluster. MSK has no deletion protection of its own, so this becomes the
    Terraform ``lifecycle.prevent_destroy`` of the cluster: a plan that deletes or replaces it fails.
    Default: on."""

    def server_properties(self) -> str:
        """The broker configuration (``server.properties``), keys sorted so equal props give equal text."""
        settings = {
            "auto.create.topics.enable": "false",
            "default.replication.factor": str(self.replication_factor),
            "min.insync.replicas": str(self.min_insync_replicas),
        }
        return "".join(f"{key}={value}\n" for key, value in sorted(settings.items()))

    def topic_replication_factor(self, name: str) -> int:
        """Replication factor of topic ``name``: its own, else the cluster's default."""
        return self.topics[name].replication_factor or self.replication_factor

    def problems(self, zone_count: int, *, zones_field: str, prefix: str = "") -> list[Problem]:
        """Rules across fields and against the zones the brokers are spread over, every one at once; ``[]`` when valid.

        Args:
            zone_count: number of zones (one client subnet each) the brokers are spread over.
            zones_field: where that number comes from, named in messages (``subnet_ids``,
                ``network.az_count``).
            prefix: prepended to the props' own field names (``kafka.`` in configuration files).
        """
        found = []

        def problem(code: str, field: str, value: object, message: str) -> None:
            found.append(Problem(f"kafka.{code}", field, value, message))

        if zone_count not in MSK_ZONE_COUNTS:
            problem("zone-count", zones_field, zone_count,
                    f"the Kafka cluster needs 2 or 3 zones (MSK spreads brokers over 2 or 3); got {zone_count}")
        elif self.broker_count % zone_count:
            lower = max(zone_count, self.broker_count - self.broker_count % zone_count)
            problem("broker-count", f"{prefix}broker_count", self.broker_count,
                    f"{self.broker_count} brokers cannot be spread evenly over {zone_count} zones ({zones_field}); "
                    f"use a multiple of {zone_count}, e.g. {lower} or {lower + zone_count}")
        if self.replication_factor > self.broker_count:
            problem("replication-factor", f"{prefix}replication_factor", self.replication_factor,
                    f"{self.replication_factor} replicas need as many brokers; broker_count is {self.broker_count}")
        if self.min_insync_replicas >= self.replication_factor:
            problem("min-insync-replicas", f"{prefix}min_insync_replicas", self.min_insync_replicas,
                    f"{self.min_insync_replicas} must be below replication_factor ({self.replication_factor}), "
                    "or a single broker outage stops every acks=all producer")
        for name, topic in sorted(self.topics.items()):
            if topic.replication_factor is not None and topic.replication_factor > self.broker_count:
                problem("topic-replication-factor", f"{prefix}topics.{name}.replication_factor",
                        topic.replication_factor,
                        f"{topic.replication_factor} replicas need as many brokers; "
                        f"broker_count is {self.broker_count}")
        if self.max_volume_size_gib <= self.volume_size_gib:
            problem("max-volume-size", f"{prefix}max_volume_size_gib", self.max_volume_size_gib,
                    f"{self.max_volume_size_gib} GiB must exceed volume_size_gib ({self.volume_size_gib} GiB), "
                    "or storage autoscaling can never grow the volumes")
        return found
