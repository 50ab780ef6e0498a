"""Props of the monitoring (``[monitoring]``): the encrypted alarm topic and the default alarm packs.

A threshold is a value object that names its unit in its field (``percent``, ``count``, ``gib``,
``seconds``) and says how long the condition must hold: ``datapoints_to_alarm`` breaching
periods out of the last ``evaluation_periods`` one-minute periods. In an environment file a
table overrides only the keys it names, so ``cpu = { percent = 90 }`` keeps the alarm's
default evaluation periods::

    [monitoring.postgres]
    cpu = { percent = 90 }
    free_storage = { gib = 20, evaluation_periods = 1 }

The comparison (above, below) and the statistic of each alarm are fixed by its pack
(``observability/alarms/<service>.py``), which documents them next to the metric.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, Strict, field_validator, model_validator

from platform_constructs.duration import Duration, DurationField
from platform_constructs.errors import Problem
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr, refuse_in_validator

#: Every metric alarmed on here is published once a minute, so every alarm evaluates one-minute periods.
PERIOD_SECONDS = 60
#: Delay from a datapoint's minute to CloudWatch evaluating it: ALB and Container Insights metrics arrive
#: within about a minute. The recovery-time estimate and ``verify``'s wait after a rollback add it to every window.
METRIC_DELAY_SECONDS = 60
#: CloudWatch evaluates at most one day of one-minute periods.
MAX_EVALUATION_PERIODS = 1440
_GIB = 1024**3
#: Longest burn-rate window: the slow window of the usual multi-window scheme (an alarm period may be up to a day).
MAX_BURN_WINDOW_SECONDS = 6 * 3600
#: The runbook application alarms name unless ``[monitoring] runbook`` gives a wiki or portal URL.
DEFAULT_RUNBOOK = "docs/rollback.md#application-rollback"


def _percent(value: float) -> float:
    if not 0 < value < 100:
        raise ValueError("must be a percentage greater than 0 and less than 100 "
                         "(at 0 or 100 the alarm would always or never fire)")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("must be 0 or more (a count never goes below 0)")
    return value


def _periods(value: int) -> int:
    if not 1 <= value <= MAX_EVALUATION_PERIODS:
        raise ValueError(f"must be between 1 and {MAX_EVALUATION_PERIODS} one-minute periods "
                         "(CloudWatch evaluates at most one day)")
    return value


Percent = Annotated[float, Strict(), AfterValidator(_percent)]
PositiveNumber = Annotated[float, Strict(), AfterValidator(_positive)]
Count = Annotated[StrictInt, AfterValidator(_not_negative)]
Periods = Annotated[StrictInt, AfterValidator(_periods)]


class AlarmWindow(Props):
    """How long a condition must hold: ``datapoints_to_alarm`` of the last ``evaluation_periods`` minutes.

    On its own it configures an alarm whose threshold is fixed by its meaning (a red cluster,
    an offline partition); the threshold classes below add the value.
    """

    evaluation_periods: Periods = 5
    """Number of most recent one-minute periods evaluated. Default: 5."""
    datapoints_to_alarm: Periods | None = None
    """How many of those periods must breach. Default: derived – all of them (``evaluation_periods``)."""

    @model_validator(mode="after")
    def _datapoints_fit_the_window(self) -> AlarmWindow:
        if self.datapoints_to_alarm is not None and self.datapoints_to_alarm > self.evaluation_periods:
            raise ValueError(f"datapoints_to_alarm ({self.datapoints_to_alarm}) must not exceed "
                             f"evaluation_periods ({self.evaluation_periods})")
        return self

    @property
    def breaching_periods(self) -> int:
        """The effective ``datapoints_to_alarm``."""
        return self.evaluation_periods if self.datapoints_to_alarm is None else self.datapoints_to_alarm


class PercentThreshold(AlarmWindow):
    """A threshold in percent (CPU, memory, disk)."""

    percent: Percent
    """Threshold in percent, strictly between 0 and 100. Default: required."""

    @property
    def value(self) -> float:
        """The threshold in the metric's unit (percent)."""
        return self.percent

    @property
    def text(self) -> str:
        """The threshold for humans, e.g. ``80 %``."""
        return f"{self.percent:g} %"


class CountThreshold(AlarmWindow):
    """A threshold on a count (connections, evictions, partitions)."""

    count: Count
    """Threshold as a count, 0 or more. Default: required."""

    @property
    def value(self) -> float:
        """The threshold in the metric's unit (a count)."""
        return self.count

    @property
    def text(self) -> str:
        """The threshold for humans, e.g. ``200``."""
        return str(self.count)


class GibThreshold(AlarmWindow):
    """A threshold on an amount of storage or memory, in GiB."""

    gib: PositiveNumber
    """Threshold in GiB (2^30 bytes), greater than 0; fractions allowed (0.25 = 256 MiB). Default: required."""

    @property
    def bytes(self) -> float:
        """The threshold in bytes (RDS reports storage and memory in bytes)."""
        return self.gib * _GIB

    @property
    def text(self) -> str:
        """The threshold for humans, e.g. ``10 GiB``."""
        return f"{self.gib:g} GiB"


class SecondsThreshold(AlarmWindow):
    """A threshold on a duration, in seconds."""

    seconds: PositiveNumber
    """Threshold in seconds, greater than 0. Default: required."""

    @property
    def value(self) -> float:
        """The threshold in the metric's unit (seconds)."""
        return self.seconds

    @property
    def text(self) -> str:
        """The threshold for humans, e.g. ``30 s``."""
        return f"{self.seconds:g} s"


class AlarmPackThresholds(Props):
    """Base of one service's thresholds.

    A partial table overrides only the keys it names; the other keys keep the documented
    default of that alarm (not the generic default of the threshold class).
    """

    @model_validator(mode="before")
    @classmethod
    def _partial_tables_keep_alarm_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, value in data.items():
            field = cls.model_fields.get(name)
            if field is not None and isinstance(value, dict) and isinstance(field.default, AlarmWindow):
                merged[name] = {**field.default.model_dump(exclude_unset=True), **value}
        return merged


class PostgresAlarmThresholds(AlarmPackThresholds):
    """Thresholds of the PostgreSQL (RDS) alarm pack, per DB instance."""

    cpu: PercentThreshold = PercentThreshold(percent=80, evaluation_periods=5)
    """``CPUUtilization`` (Average) above this. Default: 80 % in 5 of 5 minutes."""
    free_storage: GibThreshold = GibThreshold(gib=5, evaluation_periods=5)
    """``FreeStorageSpace`` (Minimum) below this; storage autoscaling acts at 10 % free, so this
    fires when it cannot keep up or has reached its maximum. Default: 5 GiB in 5 of 5 minutes."""
    freeable_memory: GibThreshold = GibThreshold(gib=0.25, evaluation_periods=5)
    """``FreeableMemory`` (Average) below this. Default: 0.25 GiB (256 MiB) in 5 of 5 minutes."""
    connections: CountThreshold = CountThreshold(count=200, evaluation_periods=5)
    """``DatabaseConnections`` (Average) above this; set it to about 80 % of the instance class's
    ``max_connections``. Default: 200 in 5 of 5 minutes."""


class RedisAlarmThresholds(AlarmPackThresholds):
    """Thresholds of the Redis/Valkey (ElastiCache) alarm pack, per cache node."""

    cpu: PercentThreshold = PercentThreshold(percent=90, evaluation_periods=5)
    """Host ``CPUUtilization`` (Average) above this; the signal that matters on nodes with 2 vCPUs
    or fewer. Default: 90 % in 5 of 5 minutes."""
    engine_cpu: PercentThreshold = PercentThreshold(percent=90, evaluation_periods=5)
    """``EngineCPUUtilization`` (Average, the single engine thread) above this. Default: 90 % in 5 of 5 minutes."""
    evictions: CountThreshold = CountThreshold(count=0, evaluation_periods=5)
    """``Evictions`` (Sum per minute) above this: keys dropped because memory is full. Default: more
    than 0 in each of 5 minutes."""
    memory: PercentThreshold = PercentThreshold(percent=80, evaluation_periods=5)
    """``DatabaseMemoryUsagePercentage`` (Average) above this. Default: 80 % in 5 of 5 minutes."""
    replication_lag: SecondsThreshold = SecondsThreshold(seconds=30, evaluation_periods=5)
    """``ReplicationLag`` (Maximum) of a replica above this. Default: 30 s in 5 of 5 minutes."""


class KafkaAlarmThresholds(AlarmPackThresholds):
    """Thresholds of the Kafka (MSK) alarm pack."""

    disk_used: PercentThreshold = PercentThreshold(percent=85, evaluation_periods=5)
    """``KafkaDataLogsDiskUsed`` (Maximum) of a broker above this; storage autoscaling targets 70 %.
    Default: 85 % in 5 of 5 minutes."""
    under_replicated_partitions: CountThreshold = CountThreshold(count=0, evaluation_periods=15)
    """``UnderReplicatedPartitions`` (Maximum) of a broker above this; rolling maintenance causes
    short spikes, hence the long window. Default: more than 0 in 15 of 15 minutes."""
    offline_partitions: AlarmWindow = AlarmWindow(evaluation_periods=1)
    """``OfflinePartitionsCount`` (Maximum) above 0: partitions without a leader cannot be read or
    written. Default: 1 of 1 minute."""
    active_controller: AlarmWindow = AlarmWindow(evaluation_periods=5)
    """Active controllers other than exactly one (none, or split brain); a controller election
    during a broker restart takes seconds. Default: 5 of 5 minutes."""


class SearchAlarmThresholds(AlarmPackThresholds):
    """Thresholds of the OpenSearch alarm pack (AWS's recommended alarms unless noted)."""

    cluster_red: AlarmWindow = AlarmWindow(evaluation_periods=1)
    """``ClusterStatus.red`` (Maximum) at least 1: a primary shard is unassigned. Default: 1 of 1 minute."""
    cluster_yellow: AlarmWindow = AlarmWindow(evaluation_periods=5)
    """``ClusterStatus.yellow`` (Maximum) at least 1: a replica shard is unassigned. Default: 5 of 5 minutes."""
    free_storage: PercentThreshold = PercentThreshold(percent=25, evaluation_periods=1)
    """``FreeStorageSpace`` (Minimum: the fullest data node) at most this share of a data node's
    volume, as AWS suggests. Default: 25 % in 1 of 1 minute."""
    jvm_memory_pressure: PercentThreshold = PercentThreshold(percent=95, evaluation_periods=3)
    """``JVMMemoryPressure`` (Maximum) at least this. Default: 95 % in 3 of 3 minutes."""
    master_reachable: AlarmWindow = AlarmWindow(evaluation_periods=5)
    """``MasterReachableFromNode`` (Maximum) below 1: the master node is unreachable. AWS lists a
    one-day window; five minutes still rides out a master election. Default: 5 of 5 minutes."""


class ErrorRatioThreshold(PercentThreshold):
    """A share of failed requests in percent, counted only while the service has traffic."""

    min_requests: Count = 10
    """Requests per minute below which the minute counts as 0 % (a quiet service does not alarm on
    one failed request out of two). Default: 10."""


class BurnRateWindow(Props):
    """One burn-rate alarm: the error budget burns ``factor`` times too fast over ``long`` and ``short``.

    The long window says the burn is real, the short one that it is still going on (so the alarm
    clears soon after the cause is gone).
    """

    long: DurationField
    """Long window, a whole number of minutes, at most 6 h. Default: required."""
    short: DurationField
    """Short window, a whole number of minutes, shorter than ``long``. Default: required."""
    factor: PositiveNumber
    """Burn rate (multiples of the rate that spends the budget exactly over 30 days). Default: required."""

    @field_validator("long", "short")
    @classmethod
    def _whole_periods(cls, window: Duration) -> Duration:
        seconds = window.to_seconds()
        if seconds < PERIOD_SECONDS or seconds % PERIOD_SECONDS:
            raise ValueError(f"must be a whole number of minutes, at least the metric period of {PERIOD_SECONDS} s")
        if seconds > MAX_BURN_WINDOW_SECONDS:
            raise ValueError(f"must be at most {MAX_BURN_WINDOW_SECONDS // 3600} h")
        return window

    @model_validator(mode="after")
    def _short_inside_long(self) -> BurnRateWindow:
        if self.short >= self.long:
            refuse_in_validator(type(self).__name__, [Problem("monitoring.burn-window-order", "short", str(self.short),
                                                              f"must be shorter than long ({self.long})")])
        return self


class AvailabilityObjective(Props):
    """An availability objective of the application and its multi-window burn-rate alarms."""

    percent: Percent
    """Share of requests that must not fail with a 5xx, e.g. 99.9; strictly between 0 and 100. Default: required."""
    fast: BurnRateWindow = BurnRateWindow(long=Duration.minutes(60), short=Duration.minutes(5), factor=14.4)
    """Pages within minutes of a severe outage: 2 % of a 30-day budget in one hour.
    Default: 14.4x over 1 h and 5 min."""
    slow: BurnRateWindow = BurnRateWindow(long=Duration.minutes(360), short=Duration.minutes(30), factor=6)
    """Catches a slower leak: 5 % of the budget in six hours. Default: 6x over 6 h and 30 min."""

    @property
    def error_budget(self) -> float:
        """The share of requests that may fail (0.001 for 99.9 %)."""
        return round((100 - self.percent) / 100, 12)  # 99.9 gives 0.001, not 0.000999...


class ApplicationAlarmProps(AlarmPackThresholds):
    """The alarm pack of one application (``[monitoring.apps]``, per application ``[apps.<name>.monitoring]``).

    The load-balancer alarms exist only for an application with an ingress; the autoscaler alarm
    only with ``autoscaling``. Container Insights (the cluster's add-on) supplies the pod metrics.
    """

    enabled: StrictBool = True
    """Create the application's alarms. Default: ``True`` (the dev preset turns them off)."""
    error_ratio: ErrorRatioThreshold = ErrorRatioThreshold(percent=5, min_requests=10, evaluation_periods=1)
    """Target 5xx responses in percent of requests (metric math) above this; critical, so its window is part
    of the 15-minute recovery budget (``k8s/recovery_time.py``). Default: 5 % in 1 of 1 minute
    with at least 10 requests a minute."""
    latency_p99: SecondsThreshold = SecondsThreshold(seconds=1, evaluation_periods=2)
    """``TargetResponseTime`` (p99) above this: the application's latency objective. Default: 1 s in 2 of 2 minutes."""
    unhealthy_targets: AlarmWindow = AlarmWindow(evaluation_periods=2)
    """``UnHealthyHostCount`` (Maximum) above 0: a pod fails the load balancer's health check; a rollout's
    new pods are not targets until healthy, so this is a running pod going bad. Default: 2 of 2 minutes."""
    no_healthy_targets: AlarmWindow = AlarmWindow(evaluation_periods=1)
    """``HealthyHostCount`` (Minimum) below 1: nothing serves; critical, like ``error_ratio``.
    Default: 1 of 1 minute."""
    restarts: CountThreshold = CountThreshold(count=0, evaluation_periods=2)
    """Container restarts (the per-minute increase of ``pod_number_of_container_restarts``) above this
    in enough minutes of the window: a crash loop (its back-off restarts a container within 70 s of
    the first crash). Default: more than 0 in 2 of 2 minutes."""
    oom_kills: AlarmWindow = AlarmWindow(evaluation_periods=1)
    """``pod_container_status_terminated_reason_oom_killed`` (Maximum) above 0: a container hit its
    memory limit. Default: 1 of 1 minute."""
    hpa_at_max: AlarmWindow = AlarmWindow(evaluation_periods=15)
    """Running pods (``service_number_of_running_pods``, Minimum) at the autoscaler's ``max_replicas``:
    no headroom left. Default: 15 of 15 minutes."""
    availability: AvailabilityObjective | None = None
    """Availability objective with fast and slow burn-rate alarms. Default: none."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class Subscriber(Props):
    """Who receives the alarm topic's notifications: an e-mail address or an HTTPS endpoint.

    In configuration a plain string is enough: ``https://...`` is an HTTPS endpoint, anything
    else must be an e-mail address. In code use :meth:`email` or :meth:`https`.
    """

    protocol: Literal["email", "https"]
    """SNS delivery protocol. Default: required."""
    endpoint: StrictStr
    """The address or URL. Default: required."""

    @classmethod
    def email(cls, address: str) -> Subscriber:
        """An e-mail subscriber; SNS sends a confirmation mail that must be accepted first."""
        return cls(protocol="email", endpoint=address)

    @classmethod
    def https(cls, url: str) -> Subscriber:
        """An HTTPS endpoint; it must confirm the subscription SNS posts to it."""
        return cls(protocol="https", endpoint=url)

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"protocol": "https" if data.lower().startswith(("https:", "http:")) else "email", "endpoint": data}
        return data

    @model_validator(mode="after")
    def _endpoint_matches_protocol(self) -> Subscriber:
        if self.protocol == "email":
            if not _EMAIL.match(self.endpoint):
                raise ValueError(f"{self.endpoint!r} is not an e-mail address such as oncall@example.com "
                                 "(HTTPS endpoints start with https://)")
            return self
        url = urlsplit(self.endpoint)
        if url.scheme != "https" or not url.hostname:
            raise ValueError(f"{self.endpoint!r} must be an https:// URL with a host "
                             "(plain HTTP would carry alarm details unencrypted)")
        if url.username is not None or url.password is not None:
            raise ValueError(f"{url.scheme}://{url.hostname}...: credentials in the URL would be stored in "
                             "the Terraform configuration; subscribe such endpoints outside the platform "
                             "through the topic ARN output")
        return self

    @property
    def key(self) -> str:
        """Stable short id of this subscriber (construct ids do not move when the list is reordered)."""
        return hashlib.sha256(f"{self.protocol}:{self.endpoint}".encode()).hexdigest()[:10]


class AlarmTopicProps(Props):
    """Props of :class:`~platform_constructs.observability.alarm_topic.AlarmTopic`."""

    subscribers: tuple[Subscriber, ...] = ()
    """E-mail addresses and HTTPS endpoints notified of every alarm; endpoints are stored in the
    Terraform configuration, so never put a credential in one. Default: none (subscribe elsewhere
    through the topic ARN output)."""

    @field_validator("subscribers")
    @classmethod
    def _no_duplicates(cls, subscribers: tuple[Subscriber, ...]) -> tuple[Subscriber, ...]:
        endpoints = [subscriber.endpoint for subscriber in subscribers]
        duplicates = sorted({endpoint for endpoint in endpoints if endpoints.count(endpoint) > 1})
        if duplicates:
            raise ValueError(f"lists {', '.join(duplicates)} more than once")
        return subscribers


class MonitoringProps(Props):
    """Settings of the monitoring; tier defaults live in ``config/presets/monitoring.toml``.

    The alarm topic exists in every environment (it costs nothing while silent, and its ARN
    output lets other systems subscribe or publish without branching on the environment);
    ``enabled`` decides whether the alarm packs are created.
    """

    enabled: StrictBool = True
    """Create the default alarm packs for the environment's data services. Default: ``True``."""
    pager_acknowledgement: DurationField = Field(default=Duration.seconds(90), json_schema_extra=MAY_DIFFER)
    """Time on-call takes from the page to starting the rollback job: the pager target the recovery-time
    budget needs (``k8s/recovery_time.py``; confirm it in an incident drill). Default: 1m30s."""
    runbook: StrictStr = Field(default=DEFAULT_RUNBOOK, min_length=1, max_length=200)
    """The rollback runbook, a URL or a path in this repository, named in every application alarm's
    description. Default: ``docs/rollback.md#application-rollback``."""
    topic: AlarmTopicProps = Field(default_factory=AlarmTopicProps, json_schema_extra=MAY_DIFFER)
    """The encrypted SNS topic every alarm notifies. Default: no subscribers."""
    postgres: PostgresAlarmThresholds = Field(default_factory=PostgresAlarmThresholds, json_schema_extra=MAY_DIFFER)
    """PostgreSQL alarm thresholds. Default: see :class:`PostgresAlarmThresholds`."""
    redis: RedisAlarmThresholds = Field(default_factory=RedisAlarmThresholds, json_schema_extra=MAY_DIFFER)
    """Redis/Valkey alarm thresholds. Default: see :class:`RedisAlarmThresholds`."""
    kafka: KafkaAlarmThresholds = Field(default_factory=KafkaAlarmThresholds, json_schema_extra=MAY_DIFFER)
    """Kafka alarm thresholds. Default: see :class:`KafkaAlarmThresholds`."""
    search: SearchAlarmThresholds = Field(default_factory=SearchAlarmThresholds, json_schema_extra=MAY_DIFFER)
    """OpenSearch alarm thresholds. Default: see :class:`SearchAlarmThresholds`."""
    apps: ApplicationAlarmProps = Field(default_factory=ApplicationAlarmProps, json_schema_extra=MAY_DIFFER)
    """The applications' alarm pack, each application may override it in ``[apps.<name>.monitoring]``.
    Default: see :class:`ApplicationAlarmProps`."""
