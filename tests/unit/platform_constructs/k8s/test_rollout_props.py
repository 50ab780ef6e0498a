"""The [rollout] preset: tier values, every cross-field rule (naming the field), and the environment report."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from platform_constructs.config import load_platform
from platform_constructs.duration import Duration
from platform_constructs.errors import ConfigError
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.scale import Count, Percent
from platform_constructs.k8s.strategy import Recreate, RollingUpdate
from platformctl.report import environment_table


def test_model_defaults_are_the_zero_downtime_preset():
    rollout = RolloutProps()
    assert rollout.zero_downtime and rollout.deployment_strategy == RollingUpdate(Percent(25), Count(0))
    assert rollout.rto_estimate.within_budget


def test_tier_presets(platform):
    dev, staging, prod = (platform.environments[name].rollout for name in ("dev", "staging", "prod"))
    assert dev.deployment_strategy == RollingUpdate(Percent(50), Percent(50))
    assert (dev.zero_downtime, dev.image_pinning, dev.min_ready) == (False, "digest", Duration.seconds(0))
    assert prod.deployment_strategy == RollingUpdate(Percent(25), Count(0))
    assert (prod.zero_downtime, prod.image_pinning, prod.rto) == (True, "digest", Duration.minutes(15))
    assert prod.min_ready > Duration.seconds(0) and prod.pre_stop_sleep > Duration.seconds(0)
    assert prod.disruption_budget == Count(1) and prod.zone_spread == "DoNotSchedule"
    # staging rehearses prod: every field but the replica cap is the same
    assert staging.model_dump(exclude={"max_replicas", "rto_estimate"}) == prod.model_dump(
        exclude={"max_replicas", "rto_estimate"})


def test_prod_meets_its_rto_with_the_numbers_of_the_budget(platform):
    estimate = platform.environments["prod"].rollout.rto_estimate
    # 12 replicas, surge 25% → 3 pods per wave, 4 waves of (60s startup + 5s readiness
    # + 30s target healthy in the load balancer (10s registration + 2 × 10s checks) + 10s min ready)
    assert (estimate.replicas, estimate.waves, estimate.wave_seconds) == (12, 4, 105)
    assert (estimate.detect_seconds, estimate.rollback_seconds, estimate.total_seconds) == (180, 540, 720)
    assert estimate.total_seconds <= estimate.budget_seconds == 900


def test_the_estimate_is_printed_in_the_environment_report(platform):
    table = environment_table(platform)
    assert "| `rollout.rto_estimate.total_seconds` | 325 | 720 | 720 | ◆ |" in table
    assert "| `rollout.rto_estimate.budget_seconds` | 1800 | 900 | 900 | ◆ |" in table
    assert "| `rollout.max_unavailable` | 50% | 0 | 0 | ◆ |" in table


BAD_PRESETS = [
    ({"max_surge": 0, "max_unavailable": 0}, "max_unavailable", "may not be 0 when max_surge is 0"),
    ({"max_surge": "0%", "max_unavailable": "0%", "zero_downtime": False}, "max_unavailable",
     "may not be 0% when max_surge is 0%"),
    ({"max_surge": 0, "max_unavailable": "10%", "zero_downtime": False, "max_replicas": 3}, "max_unavailable",
     "at 1 replica(s) max_surge 0 resolves to 0 (rounded up) and max_unavailable 10% to 0 (rounded down); "
     "Kubernetes would silently use max_unavailable = 1"),
    ({"max_surge": "1", "max_unavailable": 0}, "max_surge", "must be a pod count (a number such as 1) or a percentage"),
    ({"max_unavailable": "150%"}, "max_unavailable", "a percentage must be a whole number from 0 to 100"),
    ({"max_unavailable": "25%"}, "max_unavailable",
     "zero_downtime needs 0 unavailable pods, but at 4 replica(s) this allows 1"),
    ({"max_unavailable": "5%", "max_replicas": 30}, "max_unavailable", "but at 20 replica(s) this allows 1"),
    ({"strategy": "Recreate"}, "strategy", "zero_downtime needs RollingUpdate"),
    ({"strategy": "BlueGreen"}, "strategy", "Input should be 'RollingUpdate' or 'Recreate'"),
    ({"min_ready": "0s"}, "min_ready", "must be above 0s with zero_downtime"),
    ({"pre_stop_sleep": "0s"}, "pre_stop_sleep", "must be at least 10s with zero_downtime"),
    ({"pre_stop_sleep": "5s"}, "pre_stop_sleep", "so endpoints and the load balancer stop routing to a pod"),
    ({"disruption_budget": None}, "disruption_budget", "must be set with zero_downtime"),
    ({"zone_spread": None}, "zone_spread", "must be set with zero_downtime"),
    ({"disruption_budget": 0}, "disruption_budget", "0 would block every node drain"),
    ({"min_ready": "3m"}, "progress_deadline", "must be greater than min_ready (3m)"),
    ({"progress_deadline": "10m"}, "progress_deadline", "must be shorter than update_timeout (10m)"),
    ({"progress_deadline": "1m"}, "progress_deadline",
     "must exceed the time one wave of new pods needs (1m45s: startup probe 1m + readiness 5s + load balancer 30s "
     "+ min_ready 10s)"),
    ({"max_surge": 1, "max_replicas": 12, "rto": "1h"}, "update_timeout",
     "a rollout of 12 replica(s) takes up to 21m (12 wave(s) of 1m45s); the apply would time out first"),
    ({"rto": "8m"}, "rto", "the worst-case recovery takes 12m at 10 replica(s): detect 3m (progress_deadline) + roll "
     "back 9m (rollback_overhead 2m + 4 wave(s) of 1m45s)"),
    ({"termination_grace_period": "10s"}, "termination_grace_period",
     "must be at least pre_stop_sleep + request_timeout (10s + 35s = 45s, the load balancer's deregistration delay)"),
    ({"termination_grace_period": "44s"}, "termination_grace_period", "pods are killed while the load balancer"),
    ({"request_timeout": "0s"}, "request_timeout", "must be at least 1s"),
    ({"target_health_check": {"interval": "4s"}}, "target_health_check.interval", "must be from 5s to 300s"),
    ({"target_health_check": {"interval": "5s", "timeout": "5s"}}, "target_health_check.timeout",
     "must be shorter than interval (5s)"),
    ({"target_health_check": {"healthy_threshold": 1}}, "target_health_check.healthy_threshold",
     "greater than or equal to 2"),
    ({"revision_history_limit": 1}, "revision_history_limit", "greater than or equal to 2"),
    ({"liveness_probe": {"success_threshold": 2}}, "liveness_probe.success_threshold",
     "must be 1 for startup and liveness"),
    ({"startup_probe": {"success_threshold": 3}}, "startup_probe.success_threshold",
     "must be 1 for startup and liveness"),
    ({"readiness_probe": {"period": "5s", "timeout": "9s"}}, "readiness_probe.timeout",
     "must be from 1s up to period (5s)"),
    ({"progress_deadline": 180}, "progress_deadline", "must be a duration written as text"),
    ({"image_pinning": "semver"}, "image_pinning", "Input should be 'digest' or 'tag'"),
    ({"rto_estimate": {"total_seconds": 1}}, "rto_estimate", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_PRESETS)
def test_bad_presets_are_refused_naming_the_field(data, field, message):
    with pytest.raises(ValidationError) as caught:
        RolloutProps.model_validate(data)
    found = [(".".join(map(str, error["loc"])), error["msg"]) for error in caught.value.errors()]
    assert any(location == field and message in text for location, text in found), found


def test_recreate_is_allowed_without_zero_downtime_and_takes_one_wave():
    rollout = RolloutProps(strategy="Recreate", zero_downtime=False)
    assert rollout.deployment_strategy == Recreate()
    estimate = rollout.rto_estimate
    assert estimate.waves == 1
    # old pods must be gone before new ones start: the grace period is part of the wave
    assert estimate.wave_seconds == 60 + 5 + 30 + 10 + 45


durations = st.integers(min_value=0, max_value=900).map(Duration.seconds)


@settings(max_examples=300, deadline=None)
@given(surge=st.one_of(st.builds(Count, st.integers(0, 4)), st.builds(Percent, st.integers(0, 100))),
       unavailable=st.one_of(st.builds(Count, st.integers(0, 4)), st.builds(Percent, st.integers(0, 100))),
       min_ready=durations, progress_deadline=durations, update_timeout=durations, rto=durations,
       max_replicas=st.integers(1, 30), zero_downtime=st.booleans())
def test_an_accepted_preset_keeps_every_promise(surge, unavailable, min_ready, progress_deadline, update_timeout, rto,
                                                max_replicas, zero_downtime):
    try:
        rollout = RolloutProps(max_surge=surge, max_unavailable=unavailable, min_ready=min_ready,
                               progress_deadline=progress_deadline, update_timeout=update_timeout, rto=rto,
                               max_replicas=max_replicas, zero_downtime=zero_downtime)
    except ValidationError as error:  # either refused, naming every field, or a strategy with the properties below
        assert all(item["loc"] and item["msg"] for item in error.errors())  # noqa: PT017
        return
    strategy = rollout.deployment_strategy
    previews = [strategy.preview(replicas) for replicas in range(1, max_replicas + 1)]
    assert not any(posts.coerced for posts in previews)
    assert rollout.min_ready < rollout.progress_deadline < rollout.update_timeout
    estimate = rollout.rto_estimate
    assert estimate.total_seconds <= rto.to_seconds()
    assert estimate.rollout_seconds < update_timeout.to_seconds()
    if zero_downtime:
        assert all(posts.max_unavailable == 0 and posts.max_surge >= 1 for posts in previews)
        assert rollout.min_ready > Duration.seconds(0)


@pytest.mark.parametrize(("file", "dotted", "value", "expected"), [
    ("prod.toml", "rollout.max_unavailable", "25%",
     'prod.toml: rollout.max_unavailable = "25%": zero_downtime needs 0 unavailable pods'),
    ("prod.toml", "rollout.zero_downtime", False, "rollout.zero_downtime = false: must be true in tier prod"),
    ("prod.toml", "rollout.image_pinning", "tag", 'rollout.image_pinning = "tag": must be "digest" in tier prod'),
    ("prod.toml", "rollout.rto", "1h", 'rollout.rto = "1h": must be at most "15m" in tier prod'),
    ("prod.toml", "rollout.min_ready", "1s", 'rollout.min_ready = "1s": must be at least "5s" in tier prod'),
    ("prod.toml", "rollout.progress_deadline", "12m",
     'rollout.progress_deadline = "12m": must be shorter than update_timeout'),
    ("prod.toml", "rollout.max_surge", 1, 'rollout.rto = "15m": the worst-case recovery takes 26m at 12 replica(s)'),
    ("staging.toml", "rollout.max_surge", "50%", 'staging.toml: rollout.max_surge = "50%": differs from prod'),
    ("staging.toml", "rollout.image_pinning", "tag", 'rollout.image_pinning = "tag": must be "digest" in tier staging'),
    ("dev.toml", "rollout.max_surge", "0%", 'dev.toml: rollout.max_unavailable = "50%": at 1 replica(s) max_surge 0% '
     "resolves to 0 (rounded up) and max_unavailable 50% to 0 (rounded down)"),
])
def test_environment_files_breaking_the_preset_are_refused(tmp_path, file, dotted, value, expected):
    directory = copy_environments(tmp_path)
    set_value(directory, file, dotted, value)
    with pytest.raises(ConfigError) as caught:
        load_platform(directory)
    assert expected in str(caught.value)
