"""ApplicationAlarms: the alarm pack of one application, in its own stack ``<env>-app-<name>``.

What each alarm watches, and why, is documented in :mod:`.application_specs`.
"""

from __future__ import annotations

from platform_constructs._internal.tf import Construct
from platform_constructs.errors import refuse
from platform_constructs.observability.alarms.application_specs import (
    APPLICATION_TAG,
    ApplicationSignals,
    application_alarm_specs,
)
from platform_constructs.observability.alarms.pack import AlarmPack, count_problems, name_problems
from platform_constructs.observability.monitoring_props import ApplicationAlarmProps


class ApplicationAlarms(AlarmPack):
    """The alarm pack of one application, in its stack ``<env>-app-<name>``.

    Example::

        signals = workload.alarm_signals(naming, "api", cluster_name="acme-prod-eks",
                                         load_balancer=entry.load_balancer_arn_suffix,
                                         target_group=entry.target_group_arn_suffix)
        ApplicationAlarms(self, "Alarms", signals=signals, props=workload.monitoring, topic_arn=topic_arn,
                          runbook="https://wiki.acme.example/runbooks/rollback")
    """

    def __init__(self, scope: Construct, construct_id: str, *, signals: ApplicationSignals,
                 props: ApplicationAlarmProps, topic_arn: str, runbook: str) -> None:
        super().__init__(scope, construct_id, topic_arn=topic_arn, tags={APPLICATION_TAG: signals.app})
        problems = [problem for field in ("app", "cluster_name", "namespace")
                    for problem in name_problems(field, getattr(signals, field))]
        if signals.autoscaler_max is not None:
            problems += count_problems("autoscaler_max", signals.autoscaler_max)
        refuse(problems, self.node.path)
        specs, composites = application_alarm_specs(signals, props, runbook)
        self.composite_specs = composites
        self._create_alarms(specs)
        self._create_composites(composites)

    @property
    def alarm_names(self) -> list[str]:
        """Physical names of the alarms that notify: metric alarms, then composite alarms."""
        return [spec.name for spec in self.specs if spec.notifies] + [spec.name for spec in self.composite_specs]
