"""PostgresAlarms: the default alarm pack of one RDS PostgreSQL instance.

Namespace ``AWS/RDS``, dimension ``DBInstanceIdentifier``; thresholds from
:class:`~platform_constructs.observability.monitoring_props.PostgresAlarmThresholds`.

- ``cpu-high``: CPUUtilization (Average) above ``cpu``
- ``free-storage-low``: FreeStorageSpace (Minimum) below ``free_storage``
- ``freeable-memory-low``: FreeableMemory (Average) below ``freeable_memory``
- ``connections-high``: DatabaseConnections (Average) above ``connections``

RDS publishes these host gauges every minute while the instance runs; a gap comes from a
reboot or a stop, which RDS events report, so gaps never count as breaching here.
"""

from __future__ import annotations

from platform_constructs._internal.tf import Construct
from platform_constructs.errors import refuse
from platform_constructs.observability.alarms.pack import AlarmPack, name_problems
from platform_constructs.observability.alarms.spec import AlarmSpec, AlarmSubject, Comparison, Condition, MissingData
from platform_constructs.observability.monitoring_props import PostgresAlarmThresholds


def postgres_alarm_specs(identifier: str, thresholds: PostgresAlarmThresholds) -> tuple[AlarmSpec, ...]:
    """The pack's alarms for DB instance ``identifier``."""
    db = AlarmSubject(f"PostgreSQL {identifier}", identifier, "", "AWS/RDS", {"DBInstanceIdentifier": identifier})
    return (
        db.alarm("CpuHigh", "cpu-high", "CPU saturated", db.metric("CPUUtilization", "Average"),
                 Condition.of(Comparison.ABOVE, thresholds.cpu), MissingData.IGNORED),
        db.alarm("FreeStorageLow", "free-storage-low", "storage nearly full", db.metric("FreeStorageSpace", "Minimum"),
                 Condition.of_bytes(Comparison.BELOW, thresholds.free_storage), MissingData.IGNORED),
        db.alarm("FreeableMemoryLow", "freeable-memory-low", "memory nearly exhausted",
                 db.metric("FreeableMemory", "Average"),
                 Condition.of_bytes(Comparison.BELOW, thresholds.freeable_memory), MissingData.IGNORED),
        db.alarm("ConnectionsHigh", "connections-high", "connections approaching max_connections",
                 db.metric("DatabaseConnections", "Average"),
                 Condition.of(Comparison.ABOVE, thresholds.connections), MissingData.IGNORED),
    )


class PostgresAlarms(AlarmPack):
    """CPU, storage, memory and connection alarms of one RDS PostgreSQL instance.

    Example::

        PostgresAlarms(self, "PostgresAlarms", identifier=database.identifier,
                       thresholds=PostgresAlarmThresholds(), topic_arn=topic.arn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, identifier: str,
                 thresholds: PostgresAlarmThresholds, topic_arn: str) -> None:
        super().__init__(scope, construct_id, topic_arn=topic_arn)
        refuse(name_problems("identifier", identifier), self.node.path)
        self._create_alarms(postgres_alarm_specs(identifier, thresholds))
