"""Drain, deregistration delay and grace period derive from one another: drain < deregistration <= grace.

The preset refuses any combination that breaks the order, every accepted one keeps it, and what is
synthesized (preStop sleep, target group attribute, terminationGracePeriodSeconds) is the preset's.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError
from tfjson import only, resources_of, strip_metadata

from platform_constructs.duration import Duration
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.target_health import LOAD_BALANCER_STOP_LAG

seconds = st.integers(min_value=0, max_value=300).map(Duration.seconds)


@settings(max_examples=300, deadline=None)
@given(drain=seconds, request_timeout=seconds, grace=seconds, zero_downtime=st.booleans())
def test_every_accepted_preset_drains_before_the_load_balancer_lets_go_and_before_the_kill(
        drain, request_timeout, grace, zero_downtime):
    try:
        rollout = RolloutProps(pre_stop_sleep=drain, request_timeout=request_timeout, termination_grace_period=grace,
                               zero_downtime=zero_downtime)
    except ValidationError as error:
        fields = {".".join(map(str, item["loc"])) for item in error.errors()}
        assert fields <= {"pre_stop_sleep", "request_timeout", "termination_grace_period"}, fields
        assert (request_timeout < Duration.seconds(1) or grace < drain + request_timeout
                or (zero_downtime and drain < LOAD_BALANCER_STOP_LAG))
        return
    assert rollout.pre_stop_sleep < rollout.deregistration_delay <= rollout.termination_grace_period
    if zero_downtime:
        assert rollout.pre_stop_sleep >= LOAD_BALANCER_STOP_LAG


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_each_tier_keeps_the_order(platform, env):
    rollout = platform.environments[env].rollout
    assert rollout.pre_stop_sleep < rollout.deregistration_delay <= rollout.termination_grace_period


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_synthesized_timings_are_the_presets(platform, stack_json, env):
    rollout = platform.environments[env].rollout
    config = strip_metadata(stack_json(f"{env}-app-api"))
    pod = only(config, "kubernetes_deployment_v1")["spec"]["template"]["spec"]
    [container] = pod["container"]
    drain = int(container["lifecycle"]["pre_stop"][0]["exec"]["command"][1])
    deregistration = int(only(config, "aws_lb_target_group")["deregistration_delay"])
    grace = pod["termination_grace_period_seconds"]
    assert (drain, deregistration, grace) == (rollout.pre_stop_sleep.to_seconds(),
                                              rollout.deregistration_delay.to_seconds(),
                                              rollout.termination_grace_period.to_seconds())
    assert drain < deregistration <= grace
    assert resources_of(config, "aws_lb_target_group")
