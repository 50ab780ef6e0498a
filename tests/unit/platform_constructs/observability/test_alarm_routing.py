"""Routing of application alarms: the platform stack's EventBridge rule matches exactly the environment's
application alarms and targets its alarm topic."""

from __future__ import annotations

import json
import re

import pytest
from tfjson import resources_of

from platform_constructs.naming import Naming
from platform_constructs.observability.alarm_routing import application_alarm_pattern, inspector_findings_pattern


def prefix_matches(pattern, alarm_name):
    [rule] = pattern["detail"]["alarmName"]
    return alarm_name.startswith(rule["prefix"])


@pytest.mark.parametrize(("alarm_name", "routed"), [
    ("acme-prod-app-api-5xx-ratio", True),
    ("acme-prod-app-billing-api-burn-fast", True),
    ("acme-prod-postgres-cpu-high", False),          # a platform alarm: paged through the topic, not this rule
    ("acme-staging-app-api-5xx-ratio", False),        # another environment
    ("acme-prod-apple-cpu-high", False),
])
def test_the_rule_selects_the_application_alarms_of_its_environment(alarm_name, routed):
    pattern = application_alarm_pattern(Naming("acme", "prod"))
    assert pattern["source"] == ["aws.cloudwatch"]
    assert pattern["detail-type"] == ["CloudWatch Alarm State Change"]
    assert pattern["detail"]["state"] == {"value": ["ALARM", "OK"]}
    assert prefix_matches(pattern, alarm_name) is routed


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_platform_stack_routes_application_alarms_to_its_topic(stack_json, env):
    config = stack_json(env)
    [rule] = resources_of(config, "aws_cloudwatch_event_rule").values()
    [(topic_id, _)] = resources_of(config, "aws_sns_topic").items()
    [target] = resources_of(config, "aws_cloudwatch_event_target").values()
    assert rule["name"] == f"acme-{env}-app-alarms"
    assert json.loads(rule["event_pattern"]) == application_alarm_pattern(Naming("acme", env))
    assert target["arn"] == f"${{aws_sns_topic.{topic_id}.arn}}"
    assert re.fullmatch(r"\$\{aws_cloudwatch_event_rule\.\w+\.name\}", target["rule"])
    assert {"monitoring_app_alarm_rule_arn", "monitoring_app_alarm_rule_name"} <= set(config["output"])


def test_shared_stack_routes_critical_and_high_image_findings_to_its_own_topic(stack_json):
    config = stack_json("shared")
    [rule] = resources_of(config, "aws_cloudwatch_event_rule").values()
    [(topic_id, topic)] = resources_of(config, "aws_sns_topic").items()
    [target] = resources_of(config, "aws_cloudwatch_event_target").values()
    assert topic["name"] == "acme-shared-alarms"
    pattern = json.loads(rule["event_pattern"])
    assert pattern == inspector_findings_pattern()
    assert (pattern["source"], pattern["detail-type"]) == (["aws.inspector2"], ["Inspector2 Finding"])
    assert pattern["detail"]["severity"] == ["CRITICAL", "HIGH"]
    assert pattern["detail"]["resources"] == {"type": ["AWS_ECR_CONTAINER_IMAGE"]}
    assert target["arn"] == f"${{aws_sns_topic.{topic_id}.arn}}"
