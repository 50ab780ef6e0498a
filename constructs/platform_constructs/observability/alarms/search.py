"""SearchAlarms: the default alarm pack of one OpenSearch Service domain.

Namespace ``AWS/ES``, dimensions ``DomainName`` and ``ClientId`` (the account id); thresholds
from :class:`~platform_constructs.observability.monitoring_props.SearchAlarmThresholds`:

- ``cluster-red``: ClusterStatus.red (Maximum) at least 1; missing data counts as breaching (a
  domain that cannot report its health is treated as red)
- ``cluster-yellow``: ClusterStatus.yellow (Maximum) at least 1; missing data counts as OK (an
  outage is the red alarm's case, not a second page)
- ``free-storage-low``: FreeStorageSpace (Minimum, in MiB: the fullest data node) at most
  ``free_storage`` percent of a data node's volume; missing data ignored
- ``jvm-memory-pressure-high``: JVMMemoryPressure (Maximum) at least ``jvm_memory_pressure``;
  missing data ignored
- ``master-unreachable``: MasterReachableFromNode (Maximum) below 1; missing data counts as
  breaching (no report means no reachable master)
"""

from __future__ import annotations

from platform_constructs._internal.aws_context import account_id
from platform_constructs._internal.tf import Construct
from platform_constructs.errors import refuse
from platform_constructs.observability.alarms.pack import AlarmPack, count_problems, name_problems
from platform_constructs.observability.alarms.spec import AlarmSpec, AlarmSubject, Comparison, Condition, MissingData
from platform_constructs.observability.monitoring_props import SearchAlarmThresholds


def search_alarm_specs(domain_name: str, client_id: str, volume_size_gib: int,
                       thresholds: SearchAlarmThresholds) -> tuple[AlarmSpec, ...]:
    """The pack's alarms for domain ``domain_name`` of account ``client_id``, data nodes of ``volume_size_gib``."""
    domain = AlarmSubject(f"OpenSearch domain {domain_name}", domain_name, "", "AWS/ES",
                          {"DomainName": domain_name, "ClientId": client_id})
    storage = thresholds.free_storage
    free_storage_mib = volume_size_gib * 1024 * storage.percent / 100
    free_storage = Condition(Comparison.AT_MOST, free_storage_mib,
                             f"{free_storage_mib:g} MiB ({storage.text} of {volume_size_gib} GiB)", storage)
    return (
        domain.alarm("ClusterRed", "cluster-red", "a primary shard is unassigned (red)",
                     domain.metric("ClusterStatus.red", "Maximum"),
                     Condition.fixed(Comparison.AT_LEAST, 1, thresholds.cluster_red), MissingData.BREACHING),
        domain.alarm("ClusterYellow", "cluster-yellow", "a replica shard is unassigned (yellow)",
                     domain.metric("ClusterStatus.yellow", "Maximum"),
                     Condition.fixed(Comparison.AT_LEAST, 1, thresholds.cluster_yellow), MissingData.NOT_BREACHING),
        domain.alarm("FreeStorageLow", "free-storage-low", "a data node is running out of storage",
                     domain.metric("FreeStorageSpace", "Minimum"), free_storage, MissingData.IGNORED),
        domain.alarm("JvmMemoryPressureHigh", "jvm-memory-pressure-high", "JVM heap nearly exhausted",
                     domain.metric("JVMMemoryPressure", "Maximum"),
                     Condition.of(Comparison.AT_LEAST, thresholds.jvm_memory_pressure), MissingData.IGNORED),
        domain.alarm("MasterUnreachable", "master-unreachable", "the master node is unreachable",
                     domain.metric("MasterReachableFromNode", "Maximum"),
                     Condition.fixed(Comparison.BELOW, 1, thresholds.master_reachable), MissingData.BREACHING),
    )


class SearchAlarms(AlarmPack):
    """Cluster health, storage, JVM and master alarms of one OpenSearch domain.

    The ``ClientId`` dimension is the deploying account, looked up once per stack;
    ``volume_size_gib`` (the EBS volume of each data node) turns the free-storage percentage
    into the MiB that OpenSearch reports.

    Example::

        SearchAlarms(self, "SearchAlarms", domain_name=search.domain_name, volume_size_gib=100,
                     thresholds=SearchAlarmThresholds(), topic_arn=topic.arn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, domain_name: str, volume_size_gib: int,
                 thresholds: SearchAlarmThresholds, topic_arn: str) -> None:
        super().__init__(scope, construct_id, topic_arn=topic_arn)
        refuse([*name_problems("domain_name", domain_name), *count_problems("volume_size_gib", volume_size_gib)],
               self.node.path)
        self._create_alarms(search_alarm_specs(domain_name, account_id(self), volume_size_gib, thresholds))
