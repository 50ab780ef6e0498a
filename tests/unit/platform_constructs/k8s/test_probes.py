"""Probe actions and timing: factories, the Terraform blocks, and a table of bad inputs naming the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from platform_constructs.duration import Duration
from platform_constructs.k8s.probes import ProbeAction, ProbeTiming


def test_factories_render_the_provider_blocks():
    assert ProbeAction.http("/ready").terraform(8080) == {"http_get": {"path": "/ready", "port": "8080"}}
    assert ProbeAction.http("/ready", 9090).terraform(8080) == {"http_get": {"path": "/ready", "port": "9090"}}
    assert ProbeAction.tcp(5432).terraform(8080) == {"tcp_socket": [{"port": "5432"}]}
    assert ProbeAction.exec(["cat", "/tmp/ready"]).terraform(8080) == {"exec": {"command": ["cat", "/tmp/ready"]}}


def test_timing_renders_seconds_and_derives_worst_case():
    timing = ProbeTiming(period=Duration.seconds(5), timeout=Duration.seconds(2), initial_delay=Duration.seconds(3),
                         failure_threshold=12)
    assert timing.terraform() == {"period_seconds": 5, "timeout_seconds": 2, "initial_delay_seconds": 3,
                                  "failure_threshold": 12, "success_threshold": 1}
    assert timing.worst_case == Duration.seconds(63)
    assert timing.time_to_healthy == Duration.seconds(8)


BAD_ACTIONS = [
    ({"http_get": "ready"}, ("http_get",), "String should match pattern"),
    ({"http_get": "/a b"}, ("http_get",), "String should match pattern"),
    ({"http_get": "/ready", "port": 0}, ("port",), "greater than or equal to 1"),
    ({"http_get": "/ready", "port": 70000}, ("port",), "less than or equal to 65535"),
    ({"tcp_socket": 8080, "port": 8080}, ("port",), "applies only to http_get"),
    ({"tcp_socket": "8080"}, ("tcp_socket",), "Input should be a valid integer"),
    ({"command": []}, ("command",), "at least 1 item"),
    ({"command": ["cat", " "]}, ("command",), "may not contain empty arguments"),
    ({}, (), "set exactly one of http_get, tcp_socket or command; got none"),
    ({"http_get": "/ready", "tcp_socket": 8080}, (), "got http_get, tcp_socket"),
    ({"grpc": 9000}, ("grpc",), "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("data", "location", "message"), BAD_ACTIONS)
def test_bad_actions_are_refused_at_the_field(data, location, message):
    with pytest.raises(ValidationError) as caught:
        ProbeAction.model_validate(data)
    assert any(error["loc"] == location and message in error["msg"] for error in caught.value.errors()), \
        caught.value.errors()


BAD_TIMINGS = [
    ({"period": "0s"}, ("period",), "must be at least 1s"),
    ({"period": "5s", "timeout": "6s"}, ("timeout",), "must be from 1s up to period (5s)"),
    ({"timeout": "0s"}, ("timeout",), "must be from 1s up to period (10s)"),
    ({"period": 5}, ("period",), "must be a duration written as text"),
    ({"failure_threshold": 0}, ("failure_threshold",), "greater than or equal to 1"),
    ({"success_threshold": 0}, ("success_threshold",), "greater than or equal to 1"),
    ({"failure_threshold": "3"}, ("failure_threshold",), "Input should be a valid integer"),
]


@pytest.mark.parametrize(("data", "location", "message"), BAD_TIMINGS)
def test_bad_timings_are_refused_at_the_field(data, location, message):
    with pytest.raises(ValidationError) as caught:
        ProbeTiming.model_validate(data)
    assert any(error["loc"] == location and message in error["msg"] for error in caught.value.errors()), \
        caught.value.errors()
