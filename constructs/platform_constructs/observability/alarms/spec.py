"""What one alarm watches and when it fires, as plain values: packs build these, ``pack`` creates them.

Nothing here imports cdktf, so a pack's alarms can be listed and checked without synthesizing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from platform_constructs.observability.monitoring_props import (
    PERIOD_SECONDS,
    AlarmWindow,
    CountThreshold,
    GibThreshold,
    PercentThreshold,
    SecondsThreshold,
)

Statistic = Literal["Average", "Sum", "Minimum", "Maximum", "p99"]
Severity = Literal["critical", "major"]
#: Statistics CloudWatch calls extended (percentiles); alarms pass them as ``extended_statistic``.
PERCENTILES = frozenset({"p99"})


class Comparison(Enum):
    """CloudWatch comparison operator, with the symbol used in alarm descriptions."""

    ABOVE = ("GreaterThanThreshold", ">")
    AT_LEAST = ("GreaterThanOrEqualToThreshold", ">=")
    BELOW = ("LessThanThreshold", "<")
    AT_MOST = ("LessThanOrEqualToThreshold", "<=")

    def __init__(self, operator: str, symbol: str) -> None:
        self.operator = operator
        self.symbol = symbol


class MissingData(Enum):
    """How a period without data counts; each pack picks one per alarm and says why."""

    BREACHING = ("breaching", "counts as breaching (silence means the service cannot report)")
    NOT_BREACHING = ("notBreaching", "counts as OK")
    IGNORED = ("missing", "is ignored (a gap says nothing about this gauge)")

    def __init__(self, treatment: str, meaning: str) -> None:
        self.treatment = treatment
        self.meaning = meaning


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric of an AWS service, reduced by one statistic per one-minute period."""

    namespace: str
    name: str
    dimensions: Mapping[str, str]
    statistic: Statistic
    period: int = PERIOD_SECONDS
    """Seconds per datapoint; one minute except for the long windows of burn-rate alarms."""

    @property
    def label(self) -> str:
        """``Name (Statistic)`` for descriptions."""
        return f"{self.name} ({self.statistic})"

    def alarm_arguments(self) -> dict[str, Any]:
        """Arguments of a metric alarm on this metric."""
        statistic = "extended_statistic" if self.statistic in PERCENTILES else "statistic"
        return {"namespace": self.namespace, "metric_name": self.name, "dimensions": dict(self.dimensions),
                statistic: self.statistic, "period": self.period}

    def query(self, query_id: str) -> dict[str, Any]:
        """This metric as an input of a metric-math expression."""
        return {"id": query_id, "return_data": False, "metric": {
            "namespace": self.namespace, "metric_name": self.name, "dimensions": dict(self.dimensions),
            "stat": self.statistic, "period": self.period,
        }}

    def over(self, seconds: int) -> Metric:
        """The same metric with datapoints of ``seconds``."""
        return Metric(self.namespace, self.name, self.dimensions, self.statistic, seconds)


@dataclass(frozen=True)
class MetricMath:
    """A metric-math expression over named metrics; the alarm compares its result."""

    expression: str
    label: str
    inputs: Mapping[str, Metric]

    @property
    def period(self) -> int:
        """Seconds per datapoint of the inputs (they share one)."""
        return max(metric.period for metric in self.inputs.values())

    def alarm_arguments(self) -> dict[str, Any]:
        """Arguments of a metric alarm on the expression's result."""
        queries = [metric.query(query_id) for query_id, metric in self.inputs.items()]
        queries.append({"id": "result", "expression": self.expression, "label": self.label, "return_data": True})
        return {"metric_query": queries}


@dataclass(frozen=True)
class Condition:
    """When an alarm fires: a comparison with a threshold, held for a window of periods."""

    comparison: Comparison
    threshold: float
    threshold_text: str
    window: AlarmWindow

    @classmethod
    def of(cls, comparison: Comparison, limit: PercentThreshold | CountThreshold | SecondsThreshold) -> Condition:
        """A configured threshold in the metric's own unit (percent, count, seconds)."""
        return cls(comparison, limit.value, limit.text, limit)

    @classmethod
    def of_bytes(cls, comparison: Comparison, limit: GibThreshold) -> Condition:
        """A configured GiB threshold on a metric reported in bytes."""
        return cls(comparison, limit.bytes, limit.text, limit)

    @classmethod
    def fixed(cls, comparison: Comparison, threshold: float, window: AlarmWindow) -> Condition:
        """A threshold given by the metric's meaning (a status flag, a count that must be 0)."""
        return cls(comparison, threshold, f"{threshold:g}", window)


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: its stable construct id, physical name, metric, condition and missing-data rule."""

    key: str
    """PascalCase construct id, e.g. ``CpuHigh``; renaming it replaces the alarm."""
    name: str
    """Physical alarm name, unique in the account and region."""
    summary: str
    """What firing means, e.g. ``PostgreSQL acme-prod-db: CPU saturated``."""
    source: Metric | MetricMath
    condition: Condition
    missing_data: MissingData
    notes: str = ""
    """What to do when it fires (runbook, rollback command); appended to the description."""
    notifies: bool = True
    """Whether the alarm itself notifies the topic; ``False`` for the inputs of a composite alarm."""
    severity: Severity | None = "major"
    """How bad a release that sets it off is: ``critical`` (users get errors; recovered within the RTO),
    ``major`` (degraded; within 30 minutes); ``None`` for signals that do not judge a release: a rollback
    does not clear them (capacity) or clears them only slowly (error-budget burn)."""

    @property
    def description(self) -> str:
        """Human description: meaning, exact condition, window and missing-data rule, then the notes."""
        condition, window = self.condition, self.condition.window
        period = self.source.period
        unit = "one-minute" if period == PERIOD_SECONDS else f"{period // 60}-minute"
        text = (f"{self.summary}. Fires when {self.source.label} {condition.comparison.symbol} "
                f"{condition.threshold_text} in {window.breaching_periods} of {window.evaluation_periods} "
                f"{unit} periods; missing data {self.missing_data.meaning}.")
        return f"{text} {self.notes}" if self.notes else text

    @property
    def window_seconds(self) -> int:
        """How long the condition must hold before the alarm fires: its detection time."""
        return self.condition.window.breaching_periods * self.source.period

    @property
    def judges_release(self) -> bool:
        """Whether ``verify`` fails a release on it and the recovery-time estimate counts its windows."""
        return self.severity is not None

    @property
    def clear_seconds(self) -> int:
        """Worst time from the cause gone to the alarm back in OK: enough breaching periods must leave the window."""
        window = self.condition.window
        return (window.evaluation_periods - window.breaching_periods + 1) * self.source.period


@dataclass(frozen=True)
class CompositeSpec:
    """A composite alarm: in ALARM while every one of ``members`` (alarm specs) is in ALARM."""

    key: str
    name: str
    summary: str
    members: tuple[AlarmSpec, ...]
    notes: str = ""

    @property
    def rule(self) -> str:
        """The composite alarm's rule, ``ALARM("a") AND ALARM("b")``."""
        return " AND ".join(f'ALARM("{member.name}")' for member in self.members)

    @property
    def description(self) -> str:
        """Meaning, the members' conditions, then the notes."""
        members = " and ".join(f"{member.source.label} {member.condition.comparison.symbol} "
                               f"{member.condition.threshold_text} over {member.source.period // 60} min"
                               for member in self.members)
        text = f"{self.summary}. Fires when {members}."
        return f"{text} {self.notes}" if self.notes else text

    @property
    def window_seconds(self) -> int:
        """Detection time: the shortest member window (the longer one is already breaching by then)."""
        return min(member.window_seconds for member in self.members)


@dataclass(frozen=True)
class AlarmSubject:
    """One watched resource: how its alarms are identified and named, and the dimensions of its metrics."""

    label: str
    """Start of every summary, e.g. ``PostgreSQL acme-prod-postgres``."""
    name_prefix: str
    """Start of every alarm name, e.g. ``acme-prod-postgres``."""
    key_prefix: str
    """Start of every construct id, e.g. ``Broker1`` (empty for a single resource)."""
    namespace: str
    dimensions: Mapping[str, str]

    def metric(self, name: str, statistic: Statistic) -> Metric:
        """One metric of this resource."""
        return Metric(self.namespace, name, self.dimensions, statistic)

    def alarm(self, key: str, suffix: str, summary: str, source: Metric | MetricMath, condition: Condition,
              missing_data: MissingData) -> AlarmSpec:
        """An alarm of this resource: construct id ``{key_prefix}{key}``, name ``{name_prefix}-{suffix}``."""
        return AlarmSpec(key=f"{self.key_prefix}{key}", name=f"{self.name_prefix}-{suffix}",
                         summary=f"{self.label}: {summary}", source=source, condition=condition,
                         missing_data=missing_data)
