"""Props of the rolling-deployment preset of the environment's workloads (the ``[rollout]`` section).

The preset is tier policy: how fast pods are replaced, how long a rollout may take, how the probes
are timed and how much downtime is acceptable. Workloads (``[apps.<name>]``) supply only what is
theirs (image repository, port, health endpoints, sizes). Tier values live in
``config/presets/rollout.toml``; the model defaults are the safe, zero-downtime ones.

Every cross-field rule is checked when the model is built, so a bad preset fails before any synth,
with the field named: Kubernetes' own rules (``progress_deadline`` > ``min_ready``, surge and
unavailable not both 0), the silent fencepost coercion, the Terraform timeout ordering, the
zero-downtime requirements and the RTO budget (:mod:`platform_constructs.k8s.rto`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, computed_field, model_validator

from platform_constructs.duration import Duration, DurationField
from platform_constructs.errors import Problem
from platform_constructs.k8s import rto
from platform_constructs.k8s.image_policy import ImagePinning
from platform_constructs.k8s.probes import ProbeTiming
from platform_constructs.k8s.rto import RtoEstimate
from platform_constructs.k8s.scale import Count, CountOrPercentField, Percent
from platform_constructs.k8s.strategy import DeploymentStrategy, Recreate, RollingUpdate, rolling_update_problems
from platform_constructs.k8s.target_health import LOAD_BALANCER_STOP_LAG, TargetHealthCheck
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, refuse_in_validator

ZoneSpread = Literal["DoNotSchedule", "ScheduleAnyway"]


class RolloutProps(Props):
    """Settings of the rolling-deployment preset of the environment's workloads; tier defaults live in
    ``config/presets/rollout.toml``."""

    strategy: Literal["RollingUpdate", "Recreate"] = "RollingUpdate"
    """``RollingUpdate`` replaces pods gradually; ``Recreate`` stops all first (downtime).
    Default: ``RollingUpdate``."""
    max_surge: CountOrPercentField = Percent(25)
    """Pods above the desired count during a rolling update (``1`` or ``"25%"``, rounded up). Default: ``"25%"``."""
    max_unavailable: CountOrPercentField = Count(0)
    """Pods below the desired count during a rolling update (``0`` or ``"25%"``, rounded down). Default: 0."""
    min_ready: DurationField = Duration.seconds(10)
    """How long a new pod must stay ready before it counts as available (``minReadySeconds``); catches
    crash-after-ready. Default: ``10s``."""
    progress_deadline: DurationField = Duration.minutes(3)
    """No progress for this long marks the rollout failed (``progressDeadlineSeconds``) and fails the apply.
    Default: ``3m``."""
    update_timeout: DurationField = Duration.minutes(10)
    """Terraform's create/update timeout of the deployment; must exceed ``progress_deadline``. Default: ``10m``."""
    revision_history_limit: StrictInt = Field(default=10, ge=2, le=100)
    """Old ReplicaSets kept; ``kubectl rollout undo`` needs at least the previous one. Default: 10."""
    max_replicas: StrictInt = Field(default=10, ge=1, le=500, json_schema_extra=MAY_DIFFER)
    """Most replicas any workload of the tier may run (autoscaling included); the RTO budget is checked up to it.
    Default: 10."""
    zero_downtime: StrictBool = True
    """Require the zero-downtime combination: rolling update never below the desired count, ``min_ready`` > 0, preStop
    drain, disruption budget and zone spread. Default: ``True``."""
    rto: DurationField = Duration.minutes(15)
    """Recovery time objective: the worst-case detect + roll back time may not exceed it. Default: ``15m``."""
    rollback_overhead: DurationField = Duration.minutes(2)
    """Time for the pipeline to start the re-apply of the last good image (trigger, ``terraform init``/plan).
    Default: ``2m``."""
    termination_grace_period: DurationField = Duration.seconds(45)
    """Time between SIGTERM and SIGKILL (``terminationGracePeriodSeconds``); must exceed ``pre_stop_sleep``.
    Default: ``45s``."""
    pre_stop_sleep: DurationField = Duration.seconds(10)
    """preStop ``sleep`` before SIGTERM (the drain), so endpoints and the load balancer stop routing to the pod
    first; ``0s`` for none. Default: ``10s``."""
    request_timeout: DurationField = Duration.seconds(35)
    """Longest request an application serves: after SIGTERM the pod finishes its in-flight requests within it,
    and the load balancer keeps them open that long after the drain (see ``deregistration_delay``). Default: ``35s``."""
    target_health_check: TargetHealthCheck = TargetHealthCheck()
    """Timing of the load balancer's health check of each pod; with readiness gates a new pod is Ready only once
    its target is healthy, so it is part of every rollout wave. Default: every 10s, healthy after 2, unhealthy after
    2."""
    disruption_budget: CountOrPercentField | None = Count(1)
    """PodDisruptionBudget ``maxUnavailable`` for drains and node upgrades; ``None`` for no budget. Default: 1."""
    zone_spread: ZoneSpread | None = "DoNotSchedule"
    """Spread pods across zones (``topology.kubernetes.io/zone``, max skew 1, per pod-template-hash); ``None`` for no
    constraint. Default: ``DoNotSchedule``."""
    startup_probe: ProbeTiming = ProbeTiming(period=Duration.seconds(5), timeout=Duration.seconds(2),
                                             failure_threshold=12)
    """Timing of the startup probe; ``period × failure_threshold`` is the longest start allowed. Default: every 5s, 12
    failures (60s)."""
    readiness_probe: ProbeTiming = ProbeTiming(period=Duration.seconds(5), timeout=Duration.seconds(2),
                                               failure_threshold=3)
    """Timing of the readiness probe. Default: every 5s, 3 failures."""
    liveness_probe: ProbeTiming = ProbeTiming(period=Duration.seconds(10), timeout=Duration.seconds(2),
                                              failure_threshold=3)
    """Timing of the liveness probe. Default: every 10s, 3 failures."""
    image_pinning: ImagePinning = "digest"
    """Image references accepted at plan time: ``digest`` (``repo@sha256:…``) or ``tag`` (``repo:tag``, not ``latest``).
    Default: ``digest``."""

    @property
    def deregistration_delay(self) -> Duration:
        """How long the load balancer keeps a removed target's in-flight requests: the drain plus the longest
        request, so every request accepted before the drain ended can complete (drain < this <= grace period)."""
        return self.pre_stop_sleep + self.request_timeout

    @property
    def deployment_strategy(self) -> DeploymentStrategy:
        """The strategy value object."""
        if self.strategy == "Recreate":
            return Recreate()
        return RollingUpdate.of(max_surge=self.max_surge, max_unavailable=self.max_unavailable)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rto_estimate(self) -> RtoEstimate:  # not rto.RtoEstimate: the field rto shadows the module here
        """Worst-case time from a failed release to the last good image running again (shown in the environment
        report)."""
        return rto.estimate(self)

    @model_validator(mode="after")
    def _rules(self) -> RolloutProps:
        problems = self._strategy_problems()
        problems += self._timing_problems(strategy_valid=not problems)
        if self.zero_downtime:
            problems += self._zero_downtime_problems()
        refuse_in_validator(type(self).__name__, problems)
        return self

    def _strategy_problems(self) -> list[Problem]:
        if self.strategy == "Recreate":
            return []
        invalid = rolling_update_problems(self.max_surge, self.max_unavailable)
        if invalid:
            return invalid
        strategy = self.deployment_strategy
        for replicas in range(1, self.max_replicas + 1):
            if strategy.preview(replicas).coerced:
                return [Problem(
                    "rollout.fencepost-coercion", "max_unavailable", str(self.max_unavailable),
                    f"at {replicas} replica(s) max_surge {self.max_surge} resolves to 0 (rounded up) and "
                    f"max_unavailable {self.max_unavailable} to 0 (rounded down); Kubernetes would silently use "
                    "max_unavailable = 1. Use counts instead of percentages, e.g. max_surge = 1")]
        return []

    def _timing_problems(self, *, strategy_valid: bool) -> list[Problem]:
        problems = []
        deadline = str(self.progress_deadline)
        if self.progress_deadline <= self.min_ready:
            problems.append(Problem(
                "rollout.progress-deadline-min-ready", "progress_deadline", deadline,
                f"must be greater than min_ready ({self.min_ready}); Kubernetes refuses the deployment otherwise"))
        if self.progress_deadline >= self.update_timeout:
            problems.append(Problem(
                "rollout.progress-deadline-timeout", "progress_deadline", deadline,
                f"must be shorter than update_timeout ({self.update_timeout}), so a stuck rollout fails the "
                "apply with 'exceeded its progress deadline' instead of a timeout"))
        if self.request_timeout < Duration.seconds(1):
            problems.append(Problem("rollout.request-timeout", "request_timeout", str(self.request_timeout),
                                    "must be at least 1s"))
        if self.termination_grace_period < self.deregistration_delay:
            problems.append(Problem(
                "rollout.grace-period", "termination_grace_period", str(self.termination_grace_period),
                f"must be at least pre_stop_sleep + request_timeout ({self.pre_stop_sleep} + {self.request_timeout} "
                f"= {self.deregistration_delay}, the load balancer's deregistration delay), or pods are killed while "
                "the load balancer still sends them requests"))
        for kind in ("startup_probe", "liveness_probe"):
            timing: ProbeTiming = getattr(self, kind)
            if timing.success_threshold != 1:
                problems.append(Problem(
                    "rollout.success-threshold", f"{kind}.success_threshold", timing.success_threshold,
                    "must be 1 for startup and liveness probes (Kubernetes refuses any other value)"))
        if self.disruption_budget is not None and self.disruption_budget.is_zero:
            problems.append(Problem(
                "rollout.disruption-budget-zero", "disruption_budget", str(self.disruption_budget),
                "0 would block every node drain and upgrade; allow at least 1 pod or set no budget"))
        if strategy_valid:
            problems += self._budget_problems()
        return problems

    def _budget_problems(self) -> list[Problem]:
        problems = []
        wave = rto.wave_time(self)
        if self.progress_deadline <= wave:
            problems.append(Problem(
                "rollout.progress-deadline-wave", "progress_deadline", str(self.progress_deadline),
                f"must exceed the time one wave of new pods needs ({wave}: startup probe "
                f"{self.startup_probe.worst_case} + readiness {self.readiness_probe.time_to_healthy} + "
                f"load balancer {self.target_health_check.time_to_healthy} + min_ready {self.min_ready}), "
                "or a healthy but slow rollout is reported as failed"))
        worst = self.rto_estimate
        if worst.rollout_seconds >= self.update_timeout.to_seconds():
            problems.append(Problem(
                "rollout.update-timeout", "update_timeout", str(self.update_timeout),
                f"a rollout of {worst.replicas} replica(s) takes up to {Duration(worst.rollout_seconds)} "
                f"({worst.waves} wave(s) of {Duration(worst.wave_seconds)}); the apply would time out first"))
        if not worst.within_budget:
            problems.append(Problem(
                "rollout.rto-budget", "rto", str(self.rto),
                f"the worst-case recovery takes {Duration(worst.total_seconds)} at {worst.replicas} replica(s): "
                f"detect {Duration(worst.detect_seconds)} (progress_deadline) + roll back "
                f"{Duration(worst.rollback_seconds)} (rollback_overhead {self.rollback_overhead} + "
                f"{worst.waves} wave(s) of {Duration(worst.wave_seconds)}); shorten the deadline, probes or "
                "min_ready, raise max_surge or lower max_replicas"))
        return problems

    def _zero_downtime_problems(self) -> list[Problem]:
        problems = []
        if self.strategy != "RollingUpdate":
            problems.append(Problem("rollout.zero-downtime-strategy", "strategy", self.strategy,
                                    "zero_downtime needs RollingUpdate; Recreate stops every pod first"))
        else:
            for replicas in range(1, self.max_replicas + 1):
                unavailable = self.max_unavailable.resolve(replicas, round_up=False)
                if unavailable:
                    problems.append(Problem(
                        "rollout.zero-downtime-unavailable", "max_unavailable", str(self.max_unavailable),
                        f"zero_downtime needs 0 unavailable pods, but at {replicas} replica(s) this allows "
                        f"{unavailable}; use 0 and a max_surge of at least 1"))
                    break
        required = [("min_ready", self.min_ready == Duration.seconds(0), "must be above 0s with zero_downtime, "
                     "so a pod that crashes right after becoming ready stops the rollout"),
                    ("pre_stop_sleep", self.pre_stop_sleep < LOAD_BALANCER_STOP_LAG, "must be at least "
                     f"{LOAD_BALANCER_STOP_LAG} with zero_downtime, so endpoints and the load balancer stop routing "
                     "to a pod before it receives SIGTERM"),
                    ("disruption_budget", self.disruption_budget is None, "must be set with zero_downtime, "
                     "so node drains and upgrades keep pods available"),
                    ("zone_spread", self.zone_spread is None, "must be set with zero_downtime, "
                     "so a zone outage does not take every pod")]
        for field, broken, message in required:
            if broken:
                value = getattr(self, field)
                problems.append(Problem(f"rollout.zero-downtime-{field.replace('_', '-')}", field,
                                        None if value is None else str(value), message))
        return problems
