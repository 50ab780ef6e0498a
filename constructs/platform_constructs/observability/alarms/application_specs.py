"""The alarms that decide one application's fate, as plain values (no cdktf: ``platformctl verify`` and the RTO
estimate read them too); :class:`~.application.ApplicationAlarms` creates them in the application's stack.

Thresholds from :class:`~platform_constructs.observability.monitoring_props.ApplicationAlarmProps`
(``[monitoring.apps]``, per application ``[apps.<name>.monitoring]``). Every alarm is named
``{prefix}-{env}-app-{app}-<signal>`` and tagged ``Application = <app>``; its description carries
the runbook and the exact ``platformctl rollback`` command of the application.

Load balancer (``AWS/ApplicationELB``, dimensions ``LoadBalancer`` and ``TargetGroup`` of the
application's entry; only with ``[apps.<name>.ingress]``):

- ``5xx-ratio``: ``100 * HTTPCode_Target_5XX_Count / RequestCount`` (Sum, metric math) above
  ``error_ratio``; a minute with fewer than ``min_requests`` requests counts as 0 %, so a quiet
  service does not alarm. No requests, no data: OK.
- ``latency-p99``: ``TargetResponseTime`` (p99) above ``latency_p99``. No requests, no data: OK.
- ``unhealthy-targets``: ``UnHealthyHostCount`` (Maximum) above 0. A gap: OK.
- ``no-healthy-targets``: ``HealthyHostCount`` (Minimum) below 1. A gap: breaching (the load
  balancer reports the count of every target group it routes to; silence means nothing is registered).
- ``burn-fast`` / ``burn-slow`` (with ``availability``): composite alarms, in ALARM while the
  5xx ratio spends the error budget ``factor`` times too fast over both the long and the short
  window; the window alarms (``burn-fast-1h`` ...) notify nobody themselves.

Container Insights (``ContainerInsights``, dimensions ``ClusterName``, ``Namespace`` and
``PodName``, the workload's name, which Container Insights uses for the pods of a Deployment):

- ``restarts``: per-minute increase (``DIFF``) of ``pod_number_of_container_restarts`` above
  ``restarts``: a crash loop. A gap (agent restarting, no pods) is ignored.
- ``oom-kills``: ``pod_container_status_terminated_reason_oom_killed`` (Maximum, enhanced
  observability) above 0. A gap is ignored.
- ``hpa-at-max`` (with ``autoscaling``; it pages but never judges a release):
  ``service_number_of_running_pods`` (Minimum, dimension ``Service``, the application's Service)
  at least the autoscaler's ``max_replicas``. A gap: OK.
- Burn-rate alarms page but do not judge a release either: their windows outlast a rollback.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from platform_constructs.naming import Naming
from platform_constructs.observability.alarms.spec import (
    AlarmSpec,
    AlarmSubject,
    Comparison,
    CompositeSpec,
    Condition,
    Metric,
    MetricMath,
    MissingData,
)
from platform_constructs.observability.monitoring_props import (
    AlarmWindow,
    ApplicationAlarmProps,
    AvailabilityObjective,
    BurnRateWindow,
)

#: The tag that names the application an alarm belongs to (``Environment`` comes from the provider's default tags).
APPLICATION_TAG = "Application"
#: Where a load-balancer dimension goes when only the alarm names are wanted (``verify``): names never use it.
NOT_RESOLVED = "(resolved at apply)"


@dataclass(frozen=True)
class ApplicationSignals:
    """What one application's alarms watch: its names in the cluster and, with an entry, its load balancer
    (:meth:`WorkloadProps.alarm_signals <platform_constructs.k8s.workload_props.WorkloadProps.alarm_signals>` gives
    those of a configured application)."""

    naming: Naming
    app: str
    cluster_name: str
    namespace: str
    autoscaler_max: int | None
    """The autoscaler's ``max_replicas``; ``None`` without autoscaling (no ``hpa-at-max`` alarm)."""
    load_balancer: str | None
    """``LoadBalancer`` dimension (the ARN suffix ``app/<name>/<id>``); ``None`` without an entry."""
    target_group: str | None
    """``TargetGroup`` dimension (``targetgroup/<name>/<id>``); ``None`` without an entry."""

    @property
    def name_prefix(self) -> str:
        """Start of every alarm name of the application, ``{prefix}-{env}-app-{app}``."""
        return self.naming.name(f"app-{self.app}", max_length=200)

    def rollback_command(self) -> str:
        """The command that rolls this application back to its last good image."""
        return f"platformctl rollback --env {self.naming.environment} --app {self.app}"


def application_alarm_specs(signals: ApplicationSignals, props: ApplicationAlarmProps,
                            runbook: str) -> tuple[tuple[AlarmSpec, ...], tuple[CompositeSpec, ...]]:
    """The application's metric alarms and composite alarms (empty when ``props.enabled`` is off)."""
    if not props.enabled:
        return (), ()
    notes = f"Runbook: {runbook}. Roll back: {signals.rollback_command()}"
    specs: list[AlarmSpec] = []
    composites: list[CompositeSpec] = []
    if signals.load_balancer is not None and signals.target_group is not None:
        lb_specs, composites = _load_balancer_specs(signals, props, notes)
        specs += lb_specs
    specs += _container_specs(signals, props, notes)
    return tuple(specs), tuple(composites)


def application_alarm_names(signals: ApplicationSignals, props: ApplicationAlarmProps) -> tuple[str, ...]:
    """Physical names of every alarm of the application that notifies (metric and composite)."""
    specs, composites = application_alarm_specs(signals, props, runbook="")
    return tuple(spec.name for spec in specs if spec.notifies) + tuple(spec.name for spec in composites)


def release_judging_specs(signals: ApplicationSignals, props: ApplicationAlarmProps) -> tuple[AlarmSpec, ...]:
    """The alarms that judge a release of the application: ``verify`` reads them, the RTO counts their windows.

    Not the autoscaler at its maximum (load, which a rollback does not remove) and not the burn-rate
    alarms (their windows of up to hours outlast any rollback; the 5xx ratio judges the same errors).
    """
    specs, _ = application_alarm_specs(signals, props, runbook="")
    return tuple(spec for spec in specs if spec.judges_release)


def _load_balancer_specs(signals: ApplicationSignals, props: ApplicationAlarmProps,
                         notes: str) -> tuple[list[AlarmSpec], list[CompositeSpec]]:
    assert signals.load_balancer is not None and signals.target_group is not None  # noqa: S101 - narrows the type: called only with an entry
    entry = AlarmSubject(f"Application {signals.app} ({signals.naming.environment})", signals.name_prefix, "",
                         "AWS/ApplicationELB",
                         {"LoadBalancer": signals.load_balancer, "TargetGroup": signals.target_group})
    errors, requests = entry.metric("HTTPCode_Target_5XX_Count", "Sum"), entry.metric("RequestCount", "Sum")
    ratio = props.error_ratio
    error_ratio = MetricMath(
        f"IF(requests >= {ratio.min_requests}, 100 * FILL(errors, 0) / requests, 0)",
        f"target 5xx in % of requests (0 below {ratio.min_requests} requests a minute)",
        {"errors": errors, "requests": requests})
    specs = [
        entry.alarm("ErrorRatio", "5xx-ratio", "5xx responses", error_ratio,
                    Condition.of(Comparison.ABOVE, ratio), MissingData.NOT_BREACHING),
        entry.alarm("LatencyP99", "latency-p99", "p99 response time above its objective",
                    entry.metric("TargetResponseTime", "p99"),
                    Condition.of(Comparison.ABOVE, props.latency_p99), MissingData.NOT_BREACHING),
        entry.alarm("UnhealthyTargets", "unhealthy-targets", "pods failing the load balancer's health check",
                    entry.metric("UnHealthyHostCount", "Maximum"),
                    Condition.fixed(Comparison.ABOVE, 0, props.unhealthy_targets), MissingData.NOT_BREACHING),
        entry.alarm("NoHealthyTargets", "no-healthy-targets", "no healthy target serves",
                    entry.metric("HealthyHostCount", "Minimum"),
                    Condition.fixed(Comparison.BELOW, 1, props.no_healthy_targets), MissingData.BREACHING),
    ]
    critical = {"ErrorRatio", "NoHealthyTargets"}  # users get errors; the rest is degradation (major)
    specs = [dataclasses.replace(_with_notes(spec, notes), severity="critical" if spec.key in critical else "major")
             for spec in specs]
    composites: list[CompositeSpec] = []
    if props.availability is not None:
        for speed, window in (("fast", props.availability.fast), ("slow", props.availability.slow)):
            members = tuple(_burn_window(entry, errors, requests, props.availability, speed, window, seconds)
                            for seconds in (window.long.to_seconds(), window.short.to_seconds()))
            specs += members
            composites.append(CompositeSpec(
                key=f"Burn{speed.capitalize()}", name=f"{signals.name_prefix}-burn-{speed}",
                summary=f"{entry.label}: error budget of {props.availability.percent:g} % availability burning "
                        f"{window.factor:g}x too fast", members=members, notes=notes))
    return specs, composites


def _burn_window(entry: AlarmSubject, errors: Metric, requests: Metric, objective: AvailabilityObjective,
                 speed: str, window: BurnRateWindow, seconds: int) -> AlarmSpec:
    minutes = seconds // 60
    burn = MetricMath(f"IF(requests > 0, FILL(errors, 0) / requests / {objective.error_budget:g}, 0)",
                      f"burn rate of the error budget over {minutes} min",
                      {"errors": errors.over(seconds), "requests": requests.over(seconds)})
    spec = entry.alarm(f"Burn{speed.capitalize()}{minutes}m", f"burn-{speed}-{minutes}m",
                       f"error budget burning over {minutes} min", burn,
                       Condition.fixed(Comparison.ABOVE, window.factor, AlarmWindow(evaluation_periods=1)),
                       MissingData.NOT_BREACHING)
    return dataclasses.replace(spec, notifies=False, severity=None)


def _container_specs(signals: ApplicationSignals, props: ApplicationAlarmProps, notes: str) -> list[AlarmSpec]:
    label = f"Application {signals.app} ({signals.naming.environment})"
    pods = AlarmSubject(label, signals.name_prefix, "", "ContainerInsights",
                        {"ClusterName": signals.cluster_name, "Namespace": signals.namespace, "PodName": signals.app})
    restarts = MetricMath("DIFF(restarts)", "container restarts per minute",
                          {"restarts": pods.metric("pod_number_of_container_restarts", "Maximum")})
    specs = [
        pods.alarm("Restarts", "restarts", "containers restarting (crash loop)", restarts,
                   Condition.of(Comparison.ABOVE, props.restarts), MissingData.IGNORED),
        pods.alarm("OomKills", "oom-kills", "containers killed at their memory limit",
                   pods.metric("pod_container_status_terminated_reason_oom_killed", "Maximum"),
                   Condition.fixed(Comparison.ABOVE, 0, props.oom_kills), MissingData.IGNORED),
    ]
    if signals.autoscaler_max is not None:
        service = AlarmSubject(label, signals.name_prefix, "", "ContainerInsights",
                               {"ClusterName": signals.cluster_name, "Namespace": signals.namespace,
                                "Service": signals.app})
        at_max = service.alarm(
            "HpaAtMax", "hpa-at-max", "autoscaler at max_replicas, no headroom left",
            service.metric("service_number_of_running_pods", "Minimum"),
            Condition.fixed(Comparison.AT_LEAST, signals.autoscaler_max, props.hpa_at_max), MissingData.NOT_BREACHING)
        specs.append(dataclasses.replace(at_max, severity=None))  # load, not a bad release
    return [_with_notes(spec, notes) for spec in specs]


def _with_notes(spec: AlarmSpec, notes: str) -> AlarmSpec:
    return dataclasses.replace(spec, notes=notes)
