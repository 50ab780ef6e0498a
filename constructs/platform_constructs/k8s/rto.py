"""The recovery-time budget of a rollout preset: how long from a bad release to the last good one running.

A bad release is recovered in two steps (docs/rolling-deployments.md):

1. **Detect**: the new pods never become available, the Deployment reports
   ``ProgressDeadlineExceeded`` after ``progress_deadline``, and ``terraform apply`` fails at once
   (the provider's ``wait_for_rollout`` treats it as non-retryable; K8S-ROLLOUT-AND-JENKINS.md §B.2).
2. **Roll back**: the pipeline re-applies the last good image through Terraform
   (``rollback_overhead`` to start that apply), which rolls the pods in waves: each wave starts
   ``max_surge + max_unavailable`` new pods and waits for the startup probe's worst case, the
   readiness probe, the load balancer's health check (readiness gate) and ``min_ready``.

The estimate takes the worst replica count from 1 to ``max_replicas`` (percentages resolve
differently per count, so the largest count is not always the slowest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from platform_constructs.duration import Duration
from platform_constructs.k8s.probes import ProbeTiming
from platform_constructs.k8s.strategy import DeploymentStrategy, Recreate


class HealthCheckTiming(Protocol):
    """What the estimate reads of the load balancer's health check of a new pod."""

    @property
    def time_to_healthy(self) -> Duration: ...


class RolloutTiming(Protocol):
    """What the estimate reads of a rollout preset (:class:`~platform_constructs.k8s.rollout_props.RolloutProps`,
    which builds on this module and checks its budget with it)."""

    @property
    def deployment_strategy(self) -> DeploymentStrategy: ...
    @property
    def startup_probe(self) -> ProbeTiming: ...
    @property
    def readiness_probe(self) -> ProbeTiming: ...
    @property
    def target_health_check(self) -> HealthCheckTiming: ...
    @property
    def min_ready(self) -> Duration: ...
    @property
    def termination_grace_period(self) -> Duration: ...
    @property
    def progress_deadline(self) -> Duration: ...
    @property
    def rollback_overhead(self) -> Duration: ...
    @property
    def rto(self) -> Duration: ...
    @property
    def max_replicas(self) -> int: ...


@dataclass(frozen=True)
class RtoEstimate:
    """Worst-case recovery time of a rollout preset, in seconds."""

    replicas: int
    """Replica count of the worst case."""
    waves: int
    """Waves of new pods a full rollout of ``replicas`` needs."""
    wave_seconds: int
    """Time one wave needs to become available."""
    rollout_seconds: int
    """Time of a full rollout (the re-apply of the last good image is one)."""
    detect_seconds: int
    """Time until a failed rollout fails the apply (the progress deadline)."""
    rollback_seconds: int
    """Time from the failed apply to the last good image fully available again."""
    total_seconds: int
    """``detect_seconds + rollback_seconds``."""
    budget_seconds: int
    """The tier's RTO."""

    @property
    def within_budget(self) -> bool:
        """Whether the worst case meets the RTO."""
        return self.total_seconds <= self.budget_seconds


def wave_time(rollout: RolloutTiming) -> Duration:
    """Time one wave of new pods needs to count as available: started, ready, healthy in the load balancer
    (the readiness gate), then ``min_ready``."""
    time = (rollout.startup_probe.worst_case + rollout.readiness_probe.time_to_healthy
            + rollout.target_health_check.time_to_healthy + rollout.min_ready)
    if isinstance(rollout.deployment_strategy, Recreate):
        time = time + rollout.termination_grace_period
    return time


def estimate_at(rollout: RolloutTiming, replicas: int) -> RtoEstimate:
    """The recovery time at one replica count."""
    waves = rollout.deployment_strategy.preview(replicas).waves
    wave = wave_time(rollout).to_seconds()
    detect = rollout.progress_deadline.to_seconds()
    rollback = rollout.rollback_overhead.to_seconds() + waves * wave
    return RtoEstimate(replicas=replicas, waves=waves, wave_seconds=wave, rollout_seconds=waves * wave,
                       detect_seconds=detect, rollback_seconds=rollback, total_seconds=detect + rollback,
                       budget_seconds=rollout.rto.to_seconds())


def estimate(rollout: RolloutTiming) -> RtoEstimate:
    """The worst recovery time over every replica count from 1 to ``rollout.max_replicas``."""
    return max((estimate_at(rollout, replicas) for replicas in range(1, rollout.max_replicas + 1)),
               key=lambda found: (found.total_seconds, found.replicas))
