"""RedisAlarms: the default alarm pack of one ElastiCache (Valkey / Redis OSS) replication group.

Namespace ``AWS/ElastiCache``, dimension ``CacheClusterId`` = each member cluster (one node
each: ``<replication-group-id>-001``, ``-002``, ...); thresholds from
:class:`~platform_constructs.observability.monitoring_props.RedisAlarmThresholds`. Per member:

- ``cpu-high``: CPUUtilization (Average) above ``cpu``; missing data ignored
- ``engine-cpu-high``: EngineCPUUtilization (Average) above ``engine_cpu``; missing data ignored
- ``evictions``: Evictions (Sum) above ``evictions``; missing data counts as OK (nothing evicted)
- ``memory-high``: DatabaseMemoryUsagePercentage (Average) above ``memory``; missing data ignored
- ``replication-lag-high`` (groups of two or more members): ReplicationLag (Maximum) above
  ``replication_lag``; missing data counts as OK

Only replicas publish ``ReplicationLag``, and which member is the primary changes with every
failover. The lag alarm therefore exists on every member of a replicated group: on the
current primary it has no data and stays OK, so it never needs to follow the primary around.
"""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.tf import Construct
from platform_constructs.errors import Problem, refuse
from platform_constructs.observability.alarms.pack import AlarmPack, name_problems
from platform_constructs.observability.alarms.spec import AlarmSpec, AlarmSubject, Comparison, Condition, MissingData
from platform_constructs.observability.monitoring_props import RedisAlarmThresholds


def redis_alarm_specs(replication_group_id: str, member_cluster_ids: Sequence[str],
                      thresholds: RedisAlarmThresholds) -> tuple[AlarmSpec, ...]:
    """The pack's alarms for every member cluster of ``replication_group_id``."""
    replicated = len(member_cluster_ids) > 1
    return tuple(spec for member in member_cluster_ids
                 for spec in _node_alarms(replication_group_id, member, thresholds, replicated=replicated))


def _node_alarms(replication_group_id: str, member: str, thresholds: RedisAlarmThresholds, *,
                 replicated: bool) -> list[AlarmSpec]:
    """The alarms of one member cluster; their construct ids start with ``Node<suffix>`` (``Node001``)."""
    suffix = member.removeprefix(f"{replication_group_id}-").split("-")
    node = AlarmSubject(f"Cache node {member}", member, "Node" + "".join(part.capitalize() for part in suffix),
                        "AWS/ElastiCache", {"CacheClusterId": member})
    specs = [
        node.alarm("CpuHigh", "cpu-high", "host CPU saturated", node.metric("CPUUtilization", "Average"),
                   Condition.of(Comparison.ABOVE, thresholds.cpu), MissingData.IGNORED),
        node.alarm("EngineCpuHigh", "engine-cpu-high", "engine thread saturated",
                   node.metric("EngineCPUUtilization", "Average"),
                   Condition.of(Comparison.ABOVE, thresholds.engine_cpu), MissingData.IGNORED),
        node.alarm("Evictions", "evictions", "keys evicted because memory is full", node.metric("Evictions", "Sum"),
                   Condition.of(Comparison.ABOVE, thresholds.evictions), MissingData.NOT_BREACHING),
        node.alarm("MemoryHigh", "memory-high", "memory nearly full",
                   node.metric("DatabaseMemoryUsagePercentage", "Average"),
                   Condition.of(Comparison.ABOVE, thresholds.memory), MissingData.IGNORED),
    ]
    if replicated:
        specs.append(node.alarm("ReplicationLagHigh", "replication-lag-high", "replica falling behind the primary",
                                node.metric("ReplicationLag", "Maximum"),
                                Condition.of(Comparison.ABOVE, thresholds.replication_lag), MissingData.NOT_BREACHING))
    return specs


class RedisAlarms(AlarmPack):
    """CPU, engine CPU, eviction, memory and replication-lag alarms of every node of a replication group.

    Example::

        RedisAlarms(self, "RedisAlarms", replication_group_id=cache.replication_group_id,
                    member_cluster_ids=cache.member_cluster_ids, thresholds=RedisAlarmThresholds(),
                    topic_arn=topic.arn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, replication_group_id: str,
                 member_cluster_ids: Sequence[str], thresholds: RedisAlarmThresholds, topic_arn: str) -> None:
        super().__init__(scope, construct_id, topic_arn=topic_arn)
        members = list(member_cluster_ids)
        problems = name_problems("replication_group_id", replication_group_id)
        for index, member in enumerate(members):
            problems += name_problems(f"member_cluster_ids[{index}]", member)
        if not members:
            problems.append(Problem("monitoring.no-cache-members", "member_cluster_ids", members,
                                    "must name at least one member cluster, got none"))
        if len(set(members)) != len(members):
            problems.append(Problem("monitoring.duplicate-cache-members", "member_cluster_ids", members,
                                    f"must not repeat a member, got {members}"))
        refuse(problems, self.node.path)
        self._create_alarms(redis_alarm_specs(replication_group_id, members, thresholds))
