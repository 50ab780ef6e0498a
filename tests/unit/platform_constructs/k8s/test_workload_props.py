"""Workload props: derived defaults, bad inputs naming the field, and the rules against the tier preset."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, delete_value, set_value
from pydantic import ValidationError

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.k8s.probes import ProbeAction
from platform_constructs.k8s.workload_props import WorkloadProps, workload_problems

REPOSITORY = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
BASE = {"image_repository": REPOSITORY, "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"}}


def workload(**overrides) -> WorkloadProps:
    return WorkloadProps.model_validate({**BASE, **overrides})


def test_derived_defaults():
    props = workload()
    assert props.startup_check == ProbeAction.http("/healthz")
    assert (props.fewest_replicas, props.most_replicas) == (2, 2)
    assert props.namespace_for("api") == "api"
    scaled = workload(autoscaling={"min_replicas": 3, "max_replicas": 9})
    assert (scaled.fewest_replicas, scaled.most_replicas) == (3, 9)
    assert scaled.replica_field(most=True) == "autoscaling.max_replicas"


BAD_WORKLOADS = [
    ({"image_repository": "api"}, "image_repository", "String should match pattern"),
    ({"image_repository": "Registry.example.com/API"}, "image_repository", "String should match pattern"),
    ({"port": 80}, "port", "greater than or equal to 1024"),
    ({"port": "8080"}, "port", "Input should be a valid integer"),
    ({"readiness": {"http_get": "ready"}}, "readiness.http_get", "String should match pattern"),
    ({"liveness": {}}, "liveness", "set exactly one of http_get, tcp_socket or command; got none"),
    ({"startup": {"tcp_socket": 8080, "port": 8080}}, "startup.port", "applies only to http_get"),
    ({"replicas": 0}, "replicas", "greater than or equal to 1"),
    ({"replicas": 2, "autoscaling": {}}, "replicas", "must be unset when autoscaling is on"),
    ({"autoscaling": {"min_replicas": 5, "max_replicas": 3}}, "autoscaling.max_replicas",
     "must be at least min_replicas (5)"),
    ({"autoscaling": {"target_cpu_utilization": 100}}, "autoscaling.target_cpu_utilization",
     "less than or equal to 95"),
    ({"resources": {"limits": {"cpu": "50m", "memory": "1Gi"}}}, "resources.limits.cpu", "is below requests.cpu"),
    ({"namespace": "Team_A"}, "namespace", "String should match pattern"),
    ({"pod_policy_arns": ["arn:aws:s3:::bucket"]}, "pod_policy_arns.0", "String should match pattern"),
    ({"image": "api:latest"}, "image", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_WORKLOADS)
def test_bad_workloads_are_refused_naming_the_field(overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        workload(**overrides)
    found = [(".".join(map(str, error["loc"])), error["msg"]) for error in caught.value.errors()]
    assert any(location == field and message in text for location, text in found), found


@pytest.mark.parametrize(("overrides", "max_replicas", "zero_downtime", "expected"), [
    ({}, 10, True, []),
    ({"replicas": 1}, 10, False, []),
    ({"replicas": 1}, 10, True, [("replicas", 1, "must be at least 2 with rollout.zero_downtime")]),
    ({"autoscaling": {"min_replicas": 1, "max_replicas": 4}}, 10, True,
     [("autoscaling.min_replicas", 1, "must be at least 2 with rollout.zero_downtime")]),
    ({"autoscaling": {"min_replicas": 2, "max_replicas": 20}}, 12, True,
     [("autoscaling.max_replicas", 20, "exceeds rollout.max_replicas (12)")]),
    ({"replicas": 13}, 12, False, [("replicas", 13, "exceeds rollout.max_replicas (12)")]),
])
def test_workload_rules_against_the_preset(overrides, max_replicas, zero_downtime, expected):
    problems = workload_problems(workload(**overrides), max_replicas=max_replicas, zero_downtime=zero_downtime)
    assert [(problem.field, problem.value) for problem in problems] == [(field, value) for field, value, _ in expected]
    assert all(part in problem.message for problem, (_, _, part) in zip(problems, expected, strict=True))


@pytest.mark.parametrize(("edit", "expected"), [
    (("prod.toml", "apps.api.autoscaling.max_replicas", 20),
     "prod.toml: apps.api.autoscaling.max_replicas = 20: exceeds rollout.max_replicas (12)"),
    (("prod.toml", "apps.api.autoscaling.min_replicas", 1),
     "prod.toml: apps.api.autoscaling.min_replicas = 1: must be at least 2 with rollout.zero_downtime"),
    (("staging.toml", "apps.api.port", 9090), "staging.toml: apps.api.port = 9090: differs from prod (8080)"),
    (("staging.toml", "apps.api.readiness.http_get", "/status"),
     'staging.toml: apps.api.readiness.http_get = "/status": differs from prod'),
    (("dev.toml", "apps.Api_Service", {"port": 8080}),
     'dev.toml: apps.Api_Service.[key] = "Api_Service": String should match pattern'),
    (("dev.toml", "apps.api.healthcheck", "/healthz"), 'dev.toml: apps.api.healthcheck = "/healthz": unknown key'),
])
def test_environment_files_with_bad_workloads_are_refused(tmp_path, edit, expected):
    directory = copy_environments(tmp_path)
    set_value(directory, *edit)
    with pytest.raises(ConfigError) as caught:
        load_platform(directory)
    assert expected in str(caught.value)


def test_staging_may_scale_differently_but_not_drop_autoscaling(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "staging.toml", "apps.api.autoscaling.max_replicas", 3)
    assert load_platform(directory).environments["staging"].apps["api"].autoscaling.max_replicas == 3
    delete_value(directory, "staging.toml", "apps.api.autoscaling")
    with pytest.raises(ConfigError, match=r"staging.toml: apps.api.autoscaling is absent: differs from prod"):
        load_platform(directory)
