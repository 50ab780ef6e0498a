"""Application alarm pack: the alarms of each tier's application stack, their metric math, thresholds and
dimensions (the application's real load balancer, target group, cluster, namespace and pods), the per-tier
presets and per-application overrides, and bad input refused with file, field and value."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value
from hypothesis import given, settings, strategies as st
from tfjson import resources_of

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.naming import Naming
from platform_constructs.observability.alarms.application import ApplicationAlarms
from platform_constructs.observability.alarms.application_specs import (
    ApplicationSignals,
    application_alarm_names,
    application_alarm_specs,
)
from platform_constructs.observability.monitoring_props import ApplicationAlarmProps

LB_SIGNALS = ("5xx-ratio", "latency-p99", "unhealthy-targets", "no-healthy-targets")
POD_SIGNALS = ("restarts", "oom-kills")


def app_alarms(stack_json, env, app="api"):
    config = stack_json(f"{env}-app-{app}")
    alarms = resources_of(config, "aws_cloudwatch_metric_alarm").values()
    return config, {alarm["alarm_name"]: alarm for alarm in alarms}


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_each_tier_gives_the_application_its_documented_alarms(platform, stack_json, env):
    settings_ = platform.environments[env]
    _, alarms = app_alarms(stack_json, env)
    expected = {f"acme-{env}-app-api-{signal}" for signal in (*LB_SIGNALS, *POD_SIGNALS, "hpa-at-max")}
    assert set(alarms) == expected
    signals = settings_.apps["api"].alarm_signals(Naming("acme", env), "api", cluster_name=f"acme-{env}-eks")
    assert set(application_alarm_names(signals, settings_.apps["api"].monitoring)) == expected


def test_dev_application_has_no_alarms(stack_json):
    config, alarms = app_alarms(stack_json, "dev")
    assert alarms == {}
    assert not resources_of(config, "aws_cloudwatch_composite_alarm")


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_load_balancer_alarms_name_the_entrys_own_load_balancer_and_target_group(stack_json, env):
    config, alarms = app_alarms(stack_json, env)
    [lb_id] = resources_of(config, "aws_lb")
    [tg_id] = resources_of(config, "aws_lb_target_group")
    dimensions = {"LoadBalancer": f"${{aws_lb.{lb_id}.arn_suffix}}",
                  "TargetGroup": f"${{aws_lb_target_group.{tg_id}.arn_suffix}}"}
    ratio = alarms[f"acme-{env}-app-api-5xx-ratio"]
    inputs = {query["id"]: query for query in ratio["metric_query"]}
    assert set(inputs) == {"errors", "requests", "result"}
    for query_id, metric in (("errors", "HTTPCode_Target_5XX_Count"), ("requests", "RequestCount")):
        assert inputs[query_id]["metric"] == {"namespace": "AWS/ApplicationELB", "metric_name": metric,
                                              "dimensions": dimensions, "stat": "Sum", "period": 60}
        assert inputs[query_id]["return_data"] is False
    # a quiet minute (fewer than min_requests) is 0 %, so one failed request out of two does not alarm
    assert inputs["result"]["expression"] == "IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)"
    assert (ratio["comparison_operator"], ratio["threshold"], ratio["treat_missing_data"]) == (
        "GreaterThanThreshold", 5, "notBreaching")
    latency = alarms[f"acme-{env}-app-api-latency-p99"]
    assert (latency["metric_name"], latency["extended_statistic"], latency["dimensions"]) == (
        "TargetResponseTime", "p99", dimensions)
    assert "statistic" not in latency
    assert latency["threshold"] == 1
    healthy = alarms[f"acme-{env}-app-api-no-healthy-targets"]
    assert (healthy["metric_name"], healthy["statistic"], healthy["comparison_operator"], healthy["threshold"],
            healthy["treat_missing_data"]) == ("HealthyHostCount", "Minimum", "LessThanThreshold", 1, "breaching")
    assert alarms[f"acme-{env}-app-api-unhealthy-targets"]["dimensions"] == dimensions


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_pod_alarms_name_the_cluster_namespace_and_workload(platform, stack_json, env):
    config, alarms = app_alarms(stack_json, env)
    [deployment] = resources_of(config, "kubernetes_deployment_v1").values()
    app_namespace = platform.environments[env].apps["api"].namespace_for("api")  # not its grant job's namespace
    [namespace] = [body for body in resources_of(config, "kubernetes_namespace_v1").values()
                   if body["metadata"]["name"] == app_namespace]
    [cluster] = config["data"]["aws_eks_cluster"].values()
    pods = {"ClusterName": cluster["name"], "Namespace": namespace["metadata"]["name"],
            "PodName": deployment["metadata"]["name"]}
    assert pods == {"ClusterName": f"acme-{env}-eks", "Namespace": "api", "PodName": "api"}
    restarts = alarms[f"acme-{env}-app-api-restarts"]
    [metric] = [query["metric"] for query in restarts["metric_query"] if "metric" in query]
    assert (metric["namespace"], metric["metric_name"], metric["dimensions"]) == (
        "ContainerInsights", "pod_number_of_container_restarts", pods)
    assert [q["expression"] for q in restarts["metric_query"] if "expression" in q] == ["DIFF(restarts)"]
    assert (restarts["evaluation_periods"], restarts["datapoints_to_alarm"]) == (2, 2)
    oom = alarms[f"acme-{env}-app-api-oom-kills"]
    assert (oom["metric_name"], oom["dimensions"]) == ("pod_container_status_terminated_reason_oom_killed", pods)
    [service] = resources_of(config, "kubernetes_service_v1").values()
    hpa = alarms[f"acme-{env}-app-api-hpa-at-max"]
    assert hpa["dimensions"] == {"ClusterName": pods["ClusterName"], "Namespace": pods["Namespace"],
                                 "Service": service["metadata"]["name"]}
    assert (hpa["comparison_operator"], hpa["threshold"], hpa["evaluation_periods"]) == (
        "GreaterThanOrEqualToThreshold", platform.environments[env].apps["api"].autoscaling.max_replicas, 15)


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_every_application_alarm_routes_to_the_topic_published_by_the_platform_and_says_what_to_do(stack_json, env):
    config, alarms = app_alarms(stack_json, env)
    [topic_id] = [key for key, value in config["data"]["aws_ssm_parameter"].items()
                  if value["name"] == f"/acme/{env}/platform/monitoring/alarm-topic-arn"]
    topic_arn = f"${{data.aws_ssm_parameter.{topic_id}.insecure_value}}"
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["alarm_actions"] == [topic_arn] == alarm["ok_actions"], name
        assert alarm["tags"] == {"Application": "api"}, name
        description = alarm["alarm_description"]
        assert description.endswith(f"Runbook: docs/rollback.md#application-rollback. "
                                    f"Roll back: platformctl rollback --env {env} --app api"), name
        assert len(description) <= 1024, name  # CloudWatch's limit


def test_the_platform_publishes_its_alarm_topic_for_the_application_stacks(stack_json):
    config = stack_json("prod")
    [parameter] = [p for p in resources_of(config, "aws_ssm_parameter").values()
                   if p["name"] == "/acme/prod/platform/monitoring/alarm-topic-arn"]
    [topic_id] = resources_of(config, "aws_sns_topic")
    assert parameter["value"] == f"${{aws_sns_topic.{topic_id}.arn}}"


def signals(**changes):
    base = {"naming": Naming("acme", "prod"), "app": "api", "cluster_name": "acme-prod-eks", "namespace": "api",
            "autoscaler_max": 6, "load_balancer": "app/lb/1", "target_group": "targetgroup/tg/2"}
    return ApplicationSignals(**{**base, **changes})


windows = st.integers(min_value=1, max_value=60)
props_strategy = st.builds(
    lambda ratio, requests, latency, periods, objective: ApplicationAlarmProps.model_validate({
        "error_ratio": {"percent": ratio, "min_requests": requests, "evaluation_periods": periods},
        "latency_p99": {"seconds": latency, "evaluation_periods": periods},
        "availability": None if objective is None else {"percent": objective},
    }),
    st.floats(min_value=0.01, max_value=99.99), st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.001, max_value=120), windows,
    st.none() | st.floats(min_value=90, max_value=99.999))


@given(props_strategy)
@settings(max_examples=60, deadline=None)
def test_property_every_alarm_carries_its_configured_threshold_window_and_dimensions(props):
    specs, composites = application_alarm_specs(signals(), props, runbook="r")
    by_name = {spec.name: spec for spec in specs}
    ratio, latency = by_name["acme-prod-app-api-5xx-ratio"], by_name["acme-prod-app-api-latency-p99"]
    assert ratio.condition.threshold == props.error_ratio.percent
    assert f"requests >= {props.error_ratio.min_requests}" in ratio.source.expression
    assert latency.condition.threshold == props.latency_p99.seconds
    assert ratio.condition.window.evaluation_periods == props.error_ratio.evaluation_periods
    for spec in specs:
        assert spec.name.startswith("acme-prod-app-api-")
        inputs = spec.source.inputs.values() if hasattr(spec.source, "inputs") else [spec.source]
        for metric in inputs:
            if metric.namespace == "AWS/ApplicationELB":
                assert dict(metric.dimensions) == {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg/2"}
            else:
                assert metric.dimensions["ClusterName"] == "acme-prod-eks"
                assert metric.dimensions["Namespace"] == "api"
        # CloudWatch: period x evaluation periods at most one day
        assert spec.source.period * spec.condition.window.evaluation_periods <= 86_400
    assert len(composites) == (0 if props.availability is None else 2)
    for composite in composites:
        assert len(composite.members) == 2 and all(not member.notifies for member in composite.members)
        budget = props.availability.error_budget
        for member in composite.members:
            assert member.source.expression.endswith(f"/ {budget:g}, 0)")


def test_availability_objective_adds_fast_and_slow_burn_rate_composites(synth_stack, topic_arn):
    props = ApplicationAlarmProps.model_validate({"availability": {"percent": 99.9}})
    config = synth_stack(lambda stack: ApplicationAlarms(stack, "Pack", signals=signals(), props=props,
                                                         topic_arn=topic_arn, runbook="r"))
    metric_alarms = {a["alarm_name"]: a for a in resources_of(config, "aws_cloudwatch_metric_alarm").values()}
    composites = {a["alarm_name"]: a for a in resources_of(config, "aws_cloudwatch_composite_alarm").values()}
    assert set(composites) == {"acme-prod-app-api-burn-fast", "acme-prod-app-api-burn-slow"}
    assert composites["acme-prod-app-api-burn-fast"]["alarm_rule"] == (
        'ALARM("acme-prod-app-api-burn-fast-60m") AND ALARM("acme-prod-app-api-burn-fast-5m")')
    for composite in composites.values():
        assert composite["alarm_actions"] == [topic_arn] == composite["ok_actions"]
    fast_long = metric_alarms["acme-prod-app-api-burn-fast-60m"]
    assert "alarm_actions" not in fast_long  # a member: only the composite notifies
    assert {q["metric"]["period"] for q in fast_long["metric_query"] if "metric" in q} == {3600}
    assert fast_long["threshold"] == 14.4
    [expression] = [q["expression"] for q in fast_long["metric_query"] if "expression" in q]
    assert expression == "IF(requests > 0, FILL(errors, 0) / requests / 0.001, 0)"
    assert metric_alarms["acme-prod-app-api-burn-slow-360m"]["threshold"] == 6


def test_without_entry_or_autoscaling_only_the_pod_alarms_remain():
    specs, composites = application_alarm_specs(
        signals(load_balancer=None, target_group=None, autoscaler_max=None), ApplicationAlarmProps(), runbook="r")
    assert [spec.name for spec in specs] == ["acme-prod-app-api-restarts", "acme-prod-app-api-oom-kills"]
    assert composites == ()


def test_an_application_overrides_one_key_and_keeps_the_environments_other_keys(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "prod.toml", "monitoring.apps.latency_p99", {"evaluation_periods": 3})
    set_value(directory, "prod.toml", "apps.api.monitoring.latency_p99", {"seconds": 0.3})
    env = load_platform(directory).environments["prod"]
    latency = env.apps["api"].monitoring.latency_p99
    assert (latency.seconds, latency.evaluation_periods) == (0.3, 3)
    assert env.apps["api"].monitoring.error_ratio.percent == 5


# (file, dotted key, value, field named by the problem, value reported, fragment of the message)
BAD_INPUT = [
    ("prod.toml", "apps.api.monitoring.availability", {"percent": 100}, "apps.api.monitoring.availability.percent",
     100, "greater than 0 and less than 100"),
    ("staging.toml", "monitoring.apps.availability", {"percent": 0}, "monitoring.apps.availability.percent",
     0, "greater than 0 and less than 100"),
    ("prod.toml", "apps.api.monitoring.latency_p99", {"seconds": 0}, "apps.api.monitoring.latency_p99.seconds",
     0, "greater than 0"),
    ("prod.toml", "apps.api.monitoring.availability", {"percent": 99.9, "fast": {"long": "1h", "short": "30s",
                                                                              "factor": 14.4}},
     "apps.api.monitoring.availability.fast.short", "30s", "at least the metric period of 60 s"),
    ("prod.toml", "apps.api.monitoring.availability", {"percent": 99.9, "slow": {"long": "6h", "short": "6h",
                                                                              "factor": 6}},
     "apps.api.monitoring.availability.slow.short", "6h", "must be shorter than long"),
    ("dev.toml", "apps.api.monitoring.error_ratio", {"percent": 5, "min_requests": -1},
     "apps.api.monitoring.error_ratio.min_requests", -1, "0 or more"),
    # the stores an application uses judge it ([apps.<name>.uses]); the retired list is refused, not ignored
    ("prod.toml", "apps.api.monitoring.critical_data_stores", ["postgres"],
     "apps.api.monitoring.critical_data_stores", ["postgres"], "unknown key"),
    ("prod.toml", "monitoring.apps.enabled", False, "monitoring.apps.enabled", False, "must be true in tier prod"),
]


@pytest.mark.parametrize(("file", "key", "value", "field", "reported", "fragment"), BAD_INPUT)
def test_bad_application_monitoring_is_refused_with_file_field_and_value(tmp_path, file, key, value, field,
                                                                          reported, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, file, key, value)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    problems = [(p.file.rsplit("/", 1)[-1], p.field, p.value) for p in raised.value.problems if fragment in p.message]
    assert problems == [(file, field, reported)], raised.value
