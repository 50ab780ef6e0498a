"""Which alarms judge one application, and reading them.

An application is judged by its own alarms (``{prefix}-{env}-app-{app}-*``, by exact name, so
``api`` never reads ``api-admin``'s) and by the platform alarms of the data stores it uses
(``[apps.<name>.uses]``); never by the rest of the environment. After a rollback, :func:`wait_for_ok`
gives the alarms the time their windows need to clear before they are judged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from platform_constructs.compute.eks_props import CLUSTER_COMPONENT
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.k8s.app_uses import DataStore
from platform_constructs.k8s.workload_props import WorkloadProps
from platform_constructs.naming import Naming
from platform_constructs.observability.alarms.application_specs import release_judging_specs
from platform_constructs.observability.monitoring_props import METRIC_DELAY_SECONDS
from platform_constructs.search.search_props import DOMAIN_COMPONENT
from platformctl.release.health import CheckResult

#: Naming component of each data store's resources, which starts the names of its platform alarms.
STORE_COMPONENTS: dict[DataStore, str] = {"postgres": "postgres", "redis": "redis", "kafka": "kafka",
                                          "search": DOMAIN_COMPONENT}
#: DescribeAlarms accepts at most this many names per call.
_NAMES_PER_CALL = 100


def critical_data_stores(workload: WorkloadProps) -> tuple[DataStore, ...]:
    """The platform data stores whose alarms also judge the application: the ones it uses (``[apps.<name>.uses]``),
    since their failure fails it."""
    return workload.uses.stores


@dataclass(frozen=True)
class Evidence:
    """The alarms that judge one application."""

    own: tuple[str, ...]
    """Exact names of the application's release-judging alarms."""
    platform_prefixes: tuple[str, ...]
    """Name prefixes of the platform alarms critical for it, e.g. ``acme-prod-postgres-``."""
    clear_seconds: int
    """Worst time the own alarms need to return to OK once the cause is gone (windows + metric delay)."""

    def describe(self) -> str:
        """What is judged, for the log."""
        platform = ", ".join(f"{prefix}*" for prefix in self.platform_prefixes) or "none"
        return f"{len(self.own)} alarm(s) of the application; platform alarms critical for it: {platform}"


def evidence_for(env: EnvironmentConfig, app: str) -> Evidence:
    """The alarms that judge ``app`` in ``env``."""
    naming = Naming(env.naming.prefix, env.name)
    workload = env.apps[app]
    signals = workload.alarm_signals(naming, app, cluster_name=naming.name(CLUSTER_COMPONENT))
    specs = release_judging_specs(signals, workload.monitoring)
    clear = max((spec.clear_seconds for spec in specs), default=0)
    return Evidence(own=tuple(spec.name for spec in specs),
                    platform_prefixes=tuple(f"{naming.name(STORE_COMPONENTS[store])}-"
                                            for store in critical_data_stores(workload)),
                    clear_seconds=clear + METRIC_DELAY_SECONDS if specs else 0)


@dataclass(frozen=True)
class AlarmStates:
    """What CloudWatch reports for the evidence: alarms in ALARM (name, reason) and own alarms it does not know."""

    firing: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]

    def result(self, evidence: Evidence) -> CheckResult:
        """PASS only when every own alarm exists and none of the evidence is in ALARM; otherwise name them."""
        problems = [f"{name} in ALARM ({reason})" for name, reason in self.firing]
        if self.missing:
            problems.append(f"not found (is the application's stack applied?): {', '.join(self.missing)}")
        if problems:
            return CheckResult("alarms", False, "; ".join(problems))
        return CheckResult("alarms", True, f"none in ALARM: {evidence.describe()}")


def read_states(cloudwatch: Any, evidence: Evidence) -> AlarmStates:
    """The current state of every alarm of ``evidence``."""
    alarms: list[dict[str, Any]] = []
    for start in range(0, len(evidence.own), _NAMES_PER_CALL):
        alarms += _described(cloudwatch, AlarmNames=list(evidence.own[start:start + _NAMES_PER_CALL]))
    for prefix in evidence.platform_prefixes:
        alarms += _described(cloudwatch, AlarmNamePrefix=prefix)
    found = {alarm["AlarmName"] for alarm in alarms}
    firing = sorted({(alarm["AlarmName"], alarm.get("StateReason", "no reason given"))
                     for alarm in alarms if alarm["StateValue"] == "ALARM"})
    return AlarmStates(firing=tuple(firing), missing=tuple(name for name in evidence.own if name not in found))


def _described(cloudwatch: Any, **selection: Any) -> list[dict[str, Any]]:
    alarms: list[dict[str, Any]] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmTypes=["MetricAlarm", "CompositeAlarm"], **selection):
        alarms += page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
    return alarms


def wait_for_ok(cloudwatch: Any, evidence: Evidence, *, timeout_seconds: float, interval_seconds: float,
                say: Callable[[str], None], clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep) -> AlarmStates:
    """Poll until no alarm of ``evidence`` is in ALARM or ``timeout_seconds`` passed; the last states read."""
    deadline = clock() + timeout_seconds
    while True:
        states = read_states(cloudwatch, evidence)
        if not states.firing or clock() + interval_seconds > deadline:
            return states
        say(f"waiting for OK (at most {max(0.0, deadline - clock()):.0f} s more): "
            + ", ".join(name for name, _ in states.firing))
        sleep(interval_seconds)

