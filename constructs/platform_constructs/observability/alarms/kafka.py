"""KafkaAlarms: the default alarm pack of one MSK cluster (standard brokers).

Namespace ``AWS/Kafka``; thresholds from
:class:`~platform_constructs.observability.monitoring_props.KafkaAlarmThresholds`. Per broker
(dimensions ``Cluster Name`` and ``Broker ID`` 1..N, DEFAULT monitoring level):

- ``broker-<n>-disk-used-high``: KafkaDataLogsDiskUsed (Maximum) above ``disk_used``; missing
  data ignored
- ``broker-<n>-under-replicated-partitions``: UnderReplicatedPartitions (Maximum) above
  ``under_replicated_partitions``; missing data counts as OK (the other brokers still report)

Per cluster (dimension ``Cluster Name``):

- ``offline-partitions``: OfflinePartitionsCount (Maximum) above 0; missing data counts as OK
  (a silent cluster is the controller alarm's case)
- ``active-controller``: a cluster has exactly one active controller. A metric-math expression
  yields ``|active controllers - 1|``: 1 when no broker reports a controller (Maximum < 1),
  otherwise the distance of the Sum from 1 (two controllers = split brain); it fires above 0.
  Missing data counts as breaching: a cluster that reports nothing has no working controller.
"""

from __future__ import annotations

from platform_constructs._internal.tf import Construct
from platform_constructs.errors import refuse
from platform_constructs.observability.alarms.pack import AlarmPack, count_problems, name_problems
from platform_constructs.observability.alarms.spec import (
    AlarmSpec,
    AlarmSubject,
    Comparison,
    Condition,
    MetricMath,
    MissingData,
)
from platform_constructs.observability.monitoring_props import KafkaAlarmThresholds


def kafka_alarm_specs(cluster_name: str, broker_count: int, thresholds: KafkaAlarmThresholds) -> tuple[AlarmSpec, ...]:
    """The pack's alarms for MSK cluster ``cluster_name`` with brokers ``1..broker_count``."""
    cluster = AlarmSubject(f"Kafka cluster {cluster_name}", cluster_name, "", "AWS/Kafka",
                           {"Cluster Name": cluster_name})
    specs: list[AlarmSpec] = []
    for number in range(1, broker_count + 1):
        broker = AlarmSubject(f"Kafka cluster {cluster_name}, broker {number}", f"{cluster_name}-broker-{number}",
                              f"Broker{number}", "AWS/Kafka", {**cluster.dimensions, "Broker ID": str(number)})
        specs += [
            broker.alarm("DiskUsedHigh", "disk-used-high", "data disk nearly full",
                         broker.metric("KafkaDataLogsDiskUsed", "Maximum"),
                         Condition.of(Comparison.ABOVE, thresholds.disk_used), MissingData.IGNORED),
            broker.alarm("UnderReplicatedPartitions", "under-replicated-partitions",
                         "leads partitions whose followers are behind",
                         broker.metric("UnderReplicatedPartitions", "Maximum"),
                         Condition.of(Comparison.ABOVE, thresholds.under_replicated_partitions),
                         MissingData.NOT_BREACHING),
        ]
    controllers = MetricMath(
        expression="IF(highest < 1, 1, ABS(total - 1))",
        label="|active controllers - 1|",
        inputs={"highest": cluster.metric("ActiveControllerCount", "Maximum"),
                "total": cluster.metric("ActiveControllerCount", "Sum")},
    )
    specs += [
        cluster.alarm("OfflinePartitions", "offline-partitions",
                      "partitions without a leader cannot be read or written",
                      cluster.metric("OfflinePartitionsCount", "Maximum"),
                      Condition.fixed(Comparison.ABOVE, 0, thresholds.offline_partitions), MissingData.NOT_BREACHING),
        cluster.alarm("ActiveController", "active-controller", "not exactly one active controller", controllers,
                      Condition.fixed(Comparison.ABOVE, 0, thresholds.active_controller), MissingData.BREACHING),
    ]
    return tuple(specs)


class KafkaAlarms(AlarmPack):
    """Disk, replication, partition and controller alarms of one MSK cluster.

    Example::

        KafkaAlarms(self, "KafkaAlarms", cluster_name=kafka.cluster_name, broker_count=kafka.broker_count,
                    thresholds=KafkaAlarmThresholds(), topic_arn=topic.arn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cluster_name: str, broker_count: int,
                 thresholds: KafkaAlarmThresholds, topic_arn: str) -> None:
        super().__init__(scope, construct_id, topic_arn=topic_arn)
        refuse([*name_problems("cluster_name", cluster_name), *count_problems("broker_count", broker_count)],
               self.node.path)
        self._create_alarms(kafka_alarm_specs(cluster_name, broker_count, thresholds))
