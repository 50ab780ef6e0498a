"""The RTO estimate: detect (progress deadline) + roll back (overhead + waves of startup, readiness, target health
in the load balancer, min ready)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from platform_constructs.duration import Duration
from platform_constructs.k8s import rto
from platform_constructs.k8s.probes import ProbeTiming
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.scale import Count, Percent

# a preset loose enough that the budget rules never refuse it, so the arithmetic can be probed freely
LOOSE = {"zero_downtime": False, "rto": "10h", "update_timeout": "5h", "progress_deadline": "2h"}


def test_estimate_at_one_replica_count_adds_up():
    rollout = RolloutProps(max_surge=Count(2), max_unavailable=Count(0), min_ready=Duration.seconds(20),
                           startup_probe=ProbeTiming(period=Duration.seconds(10), failure_threshold=6),
                           readiness_probe=ProbeTiming(period=Duration.seconds(5), success_threshold=2),
                           rollback_overhead=Duration.seconds(90), **LOOSE)
    estimate = rto.estimate_at(rollout, 7)
    assert estimate.waves == 4                    # 2 new pods per wave, 7 pods
    # startup worst case + two readiness periods + target healthy (10s registration + 2 checks of 10s) + min ready
    assert estimate.wave_seconds == 60 + 10 + 30 + 20
    assert estimate.rollout_seconds == 4 * 120
    assert estimate.detect_seconds == 7200
    assert estimate.rollback_seconds == 90 + 480
    assert estimate.total_seconds == 7200 + 570


def test_worst_case_is_taken_over_every_replica_count_not_only_the_largest():
    """Surge 25%: 4 replicas start 1 pod per wave (4 waves), 5 replicas start 2 (3 waves)."""
    rollout = RolloutProps(max_surge=Percent(25), max_unavailable=Count(0), max_replicas=5, **LOOSE)
    assert rto.estimate_at(rollout, 5).waves == 3
    assert (rollout.rto_estimate.replicas, rollout.rto_estimate.waves) == (4, 4)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 600), st.integers(0, 600), st.integers(1, 20))
def test_a_longer_deadline_or_overhead_never_shortens_the_estimate(extra_deadline, extra_overhead, replicas):
    base = RolloutProps(max_replicas=replicas, **LOOSE)
    longer = RolloutProps(max_replicas=replicas, rollback_overhead=base.rollback_overhead + Duration(extra_overhead),
                          **{**LOOSE, "progress_deadline": str(base.progress_deadline + Duration(extra_deadline))})
    assert longer.rto_estimate.total_seconds == base.rto_estimate.total_seconds + extra_deadline + extra_overhead


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10), st.integers(1, 40))
def test_more_surge_never_slows_recovery(surge, replicas):
    slower = RolloutProps(max_surge=Count(surge), max_replicas=replicas, **LOOSE)
    faster = RolloutProps(max_surge=Count(surge + 1), max_replicas=replicas, **LOOSE)
    assert faster.rto_estimate.total_seconds <= slower.rto_estimate.total_seconds
