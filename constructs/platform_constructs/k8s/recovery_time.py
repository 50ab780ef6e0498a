"""Recovery time of a bad release, from the real detectors: the application alarms' windows, the page's
acknowledgement, the rollout back to the last good image and ``verify`` with its wait for the alarms to clear.

Each :class:`RecoveryPath` is one way a bad release is recovered (docs/rollback.md, "Who triggers
what"); its steps come from the configuration (alarm windows of ``[monitoring.apps]``, the
``[rollout]`` preset, ``[monitoring] pager_acknowledgement``) or from the constants below, each
stating whether it was measured here or is an assumption to confirm. ``docs/rollback.md``'s budget
table is rendered from these paths (:func:`budget_table`), and a test fails when the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.naming import Naming
from platform_constructs.observability.alarms.application_specs import ApplicationSignals, release_judging_specs
from platform_constructs.observability.alarms.spec import AlarmSpec, Severity
from platform_constructs.observability.monitoring_props import METRIC_DELAY_SECONDS, MonitoringProps

#: The seed's recovery objective for major issues (critical ones: ``[rollout] rto``).
MAJOR_RTO_SECONDS = 30 * 60
#: Measured (``make drill``, docs/rollback.md): ``checkout-revision``, its git worktree and synth.
CHECKOUT_AND_SYNTH_SECONDS = 23
#: Measured: release records, registry check, ``terraform init``/plan/guard/apply overhead of a small stack.
TERRAFORM_OVERHEAD_SECONDS = 12
#: Measured: ``verify``'s alarm read and smoke request once the alarms are clear.
VERIFY_CHECKS_SECONDS = 1
#: Assumption (measure on the cluster): Jenkins queue and agent pod start with cached images.
AGENT_POD_SECONDS = 60
#: ``Jenkinsfile-rollback``'s ``BREAK_GLASS_LOCK_WAIT_SECONDS``: break glass acts without the lock after it.
BREAK_GLASS_LOCK_WAIT_SECONDS = 60
#: ``Jenkinsfile-app``'s prod watch: ``verify --observe 600 --interval 30``.
RELEASE_WATCH_INTERVAL_SECONDS = 30


@dataclass(frozen=True)
class Step:
    """One step of a recovery path: what happens, how long it takes at worst, where the number comes from."""

    name: str
    seconds: int
    source: str


@dataclass(frozen=True)
class RecoveryPath:
    """From the failure to the last good image serving (and verified, where the path verifies)."""

    name: str
    steps: tuple[Step, ...]
    budget_seconds: int

    @property
    def total_seconds(self) -> int:
        """Sum of the steps."""
        return sum(step.seconds for step in self.steps)

    @property
    def within_budget(self) -> bool:
        """Whether the path ends strictly inside the RTO."""
        return self.total_seconds < self.budget_seconds


def _judging_specs(naming: Naming, monitoring: MonitoringProps, severity: Severity) -> tuple[AlarmSpec, ...]:
    # every signal an application can have: an entry and an autoscaler (the worst case of the preset)
    signals = ApplicationSignals(naming=naming, app="app", cluster_name=naming.name("eks"), namespace="app",
                                 autoscaler_max=2, load_balancer="app/lb/0", target_group="targetgroup/tg/0")
    return tuple(spec for spec in release_judging_specs(signals, monitoring.apps) if spec.severity == severity)


def alarm_detection(naming: Naming, monitoring: MonitoringProps, severity: Severity) -> Step:
    """The slowest alarm of ``severity`` to fire once its condition holds, plus the metric delay."""
    slowest = max(_judging_specs(naming, monitoring, severity), key=lambda spec: (spec.window_seconds, spec.name))
    signal = slowest.name.rsplit("app-app-", 1)[-1]
    return Step("detection: alarm", slowest.window_seconds + METRIC_DELAY_SECONDS,
                f"`{signal}` window {slowest.window_seconds} s + metric delay {METRIC_DELAY_SECONDS} s")


def alarm_clearing(naming: Naming, monitoring: MonitoringProps) -> Step:
    """``verify --after-rollback``: its wait for the slowest judging alarm (of any severity) to clear, then
    its checks."""
    judging = (*_judging_specs(naming, monitoring, "critical"), *_judging_specs(naming, monitoring, "major"))
    slowest = max(judging, key=lambda spec: (spec.clear_seconds, spec.name))
    wait = slowest.clear_seconds + METRIC_DELAY_SECONDS
    return Step("verify", wait + VERIFY_CHECKS_SECONDS,
                f"alarms clear {slowest.clear_seconds} s + metric delay {METRIC_DELAY_SECONDS} s, "
                f"checks {VERIFY_CHECKS_SECONDS} s")


def recovery_paths(naming: Naming, rollout: RolloutProps, monitoring: MonitoringProps,
                   severity: Severity = "critical") -> tuple[RecoveryPath, ...]:
    """The ways an application failure of ``severity`` is recovered, worst case each, against its budget
    (critical: ``[rollout] rto``; major: 30 minutes); without application alarms (``[monitoring.apps]
    enabled = false``) only a stuck rollout is detected."""
    estimate = rollout.rto_estimate
    budget = rollout.rto.to_seconds() if severity == "critical" else max(rollout.rto.to_seconds(), MAJOR_RTO_SECONDS)
    checkout = Step("checkout + synth of the applied revision", CHECKOUT_AND_SYNTH_SECONDS, "measured")
    terraform = Step("records + Terraform overhead", TERRAFORM_OVERHEAD_SECONDS, "measured")
    rollout_step = Step("rollout of the last good image", estimate.rollout_seconds,
                        f"{estimate.waves} waves x {estimate.wave_seconds} s at {estimate.replicas} replicas")
    stuck = RecoveryPath("automatic, stuck rollout", (
        Step("detection: progress deadline", estimate.detect_seconds, "`[rollout] progress_deadline`"),
        checkout, terraform, rollout_step), budget)
    if not monitoring.apps.enabled:
        return (stuck,)
    detect = alarm_detection(naming, monitoring, severity)
    ack = monitoring.pager_acknowledgement.to_seconds()
    page = Step("on-call acknowledges the page", ack, "`[monitoring] pager_acknowledgement` (pager target)")
    return (
        RecoveryPath("automatic, alarm in the release watch", (
            Step(detect.name, detect.seconds + RELEASE_WATCH_INTERVAL_SECONDS,
                 f"{detect.source} + watch interval {RELEASE_WATCH_INTERVAL_SECONDS} s"),
            checkout, terraform, rollout_step), budget),
        stuck,
        RecoveryPath("on-call (`platform-main/rollback`)", (
            detect, page,
            Step("agent pod, checkout, synth, Terraform", rollout.rollback_overhead.to_seconds(),
                 "`[rollout] rollback_overhead`"),
            rollout_step, alarm_clearing(naming, monitoring)), budget),
        RecoveryPath("on-call, break glass", (
            detect, page, Step("agent pod", AGENT_POD_SECONDS, "assumption"),
            Step("lock wait", BREAK_GLASS_LOCK_WAIT_SECONDS, "then it acts without the lock"),
            Step("rollout of the previous revision (`rollout undo`)", estimate.rollout_seconds,
                 rollout_step.source)), budget),
    )


def budget_table(paths: tuple[RecoveryPath, ...]) -> str:
    """The paths as a Markdown table: one row per step name, one column per path, then the totals."""
    positions: dict[str, int] = {}
    for path in paths:
        for position, step in enumerate(path.steps):
            positions[step.name] = min(position, positions.get(step.name, position))
    names = sorted(positions, key=positions.__getitem__)  # stable: ties keep their first appearance
    lines = ["| step | " + " | ".join(path.name for path in paths) + " |",
             "|---|" + "---|" * len(paths)]
    for name in names:
        cells = []
        for path in paths:
            found = [step for step in path.steps if step.name == name]
            cells.append(f"{found[0].seconds} s ({found[0].source})" if found else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **total** | " + " | ".join(
        f"**{path.total_seconds} s = {path.total_seconds / 60:.1f} min**" for path in paths) + " |")
    return "\n".join(lines) + "\n"
