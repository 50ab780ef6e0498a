"""AlarmPack: the part every alarm pack shares, creating one CloudWatch metric alarm per spec."""

from __future__ import annotations

from collections.abc import Iterable

from platform_constructs._internal.tf import Construct, Token, aws
from platform_constructs.errors import Problem
from platform_constructs.observability.alarms.spec import AlarmSpec, CompositeSpec


class AlarmPack(Construct):
    """Base of the service alarm packs.

    Every alarm notifies ``topic_arn`` when it enters ALARM and when it returns to OK, so a
    notification is never left without its all-clear. Entering INSUFFICIENT_DATA notifies
    nobody: every new alarm passes through it, and each alarm's missing-data rule already
    decides whether silence is an incident.

    Subclasses refuse every bad input at once (:func:`name_problems`, :func:`count_problems`),
    build their specs with a pure function, and call :meth:`_create_alarms`.
    """

    def __init__(self, scope: Construct, construct_id: str, *, topic_arn: str,
                 tags: dict[str, str] | None = None) -> None:
        super().__init__(scope, construct_id)
        self.topic_arn = topic_arn
        self.tags = dict(tags or {})
        self.specs: tuple[AlarmSpec, ...] = ()
        self.alarms: dict[str, aws.cloudwatch_metric_alarm.CloudwatchMetricAlarm] = {}

    @property
    def alarm_names(self) -> list[str]:
        """Physical names of the pack's alarms, in creation order."""
        return [spec.name for spec in self.specs]

    def _create_alarms(self, specs: Iterable[AlarmSpec]) -> None:
        self.specs = tuple(specs)
        for spec in self.specs:
            condition = spec.condition
            source = spec.source.alarm_arguments()
            if "metric_query" in source:
                # jsii turns snake_case dicts into structs only at the top level, not inside lists
                source["metric_query"] = [aws.cloudwatch_metric_alarm.CloudwatchMetricAlarmMetricQuery(**query)
                                          for query in source["metric_query"]]
            self.alarms[spec.key] = aws.cloudwatch_metric_alarm.CloudwatchMetricAlarm(
                self, spec.key,
                alarm_name=spec.name,
                alarm_description=spec.description,
                comparison_operator=condition.comparison.operator,
                threshold=condition.threshold,
                evaluation_periods=condition.window.evaluation_periods,
                datapoints_to_alarm=condition.window.breaching_periods,
                treat_missing_data=spec.missing_data.treatment,
                actions_enabled=True,
                alarm_actions=[self.topic_arn] if spec.notifies else None,
                ok_actions=[self.topic_arn] if spec.notifies else None,
                tags=self.tags or None,
                **source,
            )

    def _create_composites(self, specs: Iterable[CompositeSpec]) -> None:
        """Composite alarms over alarms this pack created (their members notify nobody themselves)."""
        for spec in specs:
            aws.cloudwatch_composite_alarm.CloudwatchCompositeAlarm(
                self, spec.key, alarm_name=spec.name, alarm_description=spec.description, alarm_rule=spec.rule,
                actions_enabled=True, alarm_actions=[self.topic_arn], ok_actions=[self.topic_arn],
                tags=self.tags or None,
                depends_on=[self.alarms[member.key] for member in spec.members],
            )


def name_problems(field: str, value: object) -> list[Problem]:
    """Why ``value`` cannot name alarms: alarm names and construct ids need a non-empty string known at synth."""
    if not isinstance(value, str) or not value:
        return [Problem("monitoring.input-not-a-name", field, value, f"must be a non-empty string, got {value!r}")]
    if Token.is_unresolved(value):
        return [Problem("monitoring.input-unresolved", field, value,
                        f"must be known at synth, got the Terraform reference {value!r}; pass the name the "
                        "construct was given, not an attribute of the created resource")]
    return []


def count_problems(field: str, value: object) -> list[Problem]:
    """Why ``value`` is not a whole number of 1 or more known at synth (a count, a size)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [Problem("monitoring.input-not-a-count", field, value,
                        f"must be a whole number, 1 or more, known at synth, got {value!r}")]
    return []
