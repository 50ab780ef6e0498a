"""The [monitoring] section: tier presets, floors, overrides from environment files, and the stacks built from it."""

from __future__ import annotations

import json

import pytest
from envfiles import copy_environments, set_value
from tfjson import only, resources_of

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError


@pytest.mark.parametrize(("env", "enabled", "subscribers"), [
    ("dev", False, ()),
    ("staging", True, ("platform-alerts@acme.example",)),
    ("prod", True, ("platform-oncall@acme.example",)),
])
def test_presets_and_files_decide_alarms_and_subscribers(platform, env, enabled, subscribers):
    monitoring = platform.environments[env].monitoring
    assert monitoring.enabled is enabled
    assert tuple(subscriber.endpoint for subscriber in monitoring.topic.subscribers) == subscribers


@pytest.mark.parametrize(("env", "connections"), [("dev", 200), ("staging", 350), ("prod", 700)])
def test_tier_presets_size_thresholds_and_keep_the_alarm_window(platform, env, connections):
    threshold = platform.environments[env].monitoring.postgres.connections
    assert (threshold.count, threshold.evaluation_periods) == (connections, 5)


def test_an_environment_file_overrides_one_key_of_one_alarm(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "prod.toml", "monitoring.postgres.cpu", {"percent": 90})
    set_value(directory, "prod.toml", "monitoring.search.cluster_yellow", {"evaluation_periods": 10})
    monitoring = load_platform(directory).environments["prod"].monitoring
    assert (monitoring.postgres.cpu.percent, monitoring.postgres.cpu.evaluation_periods) == (90, 5)
    assert monitoring.search.cluster_yellow.evaluation_periods == 10
    assert monitoring.postgres.connections.count == 700  # still the prod preset


def test_thresholds_may_differ_between_staging_and_prod(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "staging.toml", "monitoring.kafka.disk_used", {"percent": 70})
    assert load_platform(directory).environments["staging"].monitoring.kafka.disk_used.percent == 70


# (file, dotted key, value, field named by the problem, fragment of the message)
BAD_FILES = [
    ("prod.toml", "monitoring.enabled", False, "monitoring.enabled", "must be true in tier prod"),
    ("staging.toml", "monitoring.enabled", False, "monitoring.enabled", "differs from prod (true)"),
    ("prod.toml", "monitoring.postgres.cpu", {"percent": 120}, "monitoring.postgres.cpu.percent",
     "greater than 0 and less than 100"),
    ("dev.toml", "monitoring.redis.evictions", {"count": -1}, "monitoring.redis.evictions.count", "0 or more"),
    ("dev.toml", "monitoring.postgres.free_storage", {"gib": -5}, "monitoring.postgres.free_storage.gib",
     "greater than 0"),
    ("dev.toml", "monitoring.search.jvm_memory_pressure", {"datapoints_to_alarm": 9},
     "monitoring.search.jvm_memory_pressure", "datapoints_to_alarm (9) must not exceed evaluation_periods (3)"),
    ("dev.toml", "monitoring.kafka.offline_partitions", {"evaluation_periods": 0},
     "monitoring.kafka.offline_partitions.evaluation_periods", "between 1 and 1440"),
    ("dev.toml", "monitoring.postgres.cpu", {"pct": 90}, "monitoring.postgres.cpu.pct",
     "unknown key; did you mean percent? Allowed keys here: datapoints_to_alarm, evaluation_periods, percent"),
    ("dev.toml", "monitoring.topic.subscribers", ["http://hooks.acme.example"], "monitoring.topic.subscribers.0",
     "must be an https:// URL"),
    ("dev.toml", "monitoring.enabled", "yes", "monitoring.enabled", "must be true or false"),
]


@pytest.mark.parametrize(("file", "key", "value", "field", "fragment"), BAD_FILES)
def test_bad_monitoring_settings_are_refused_naming_file_and_field(tmp_path, file, key, value, field, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, file, key, value)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    problems = [(p.file.rsplit("/", 1)[-1], p.field) for p in raised.value.problems if fragment in p.message]
    assert problems == [(file, field)], raised.value


def test_dev_has_the_encrypted_topic_and_no_alarms(stack_json):
    config = stack_json("dev")
    assert not resources_of(config, "aws_cloudwatch_metric_alarm")
    assert only(config, "aws_sns_topic")["name"] == "acme-dev-alarms"
    assert {"monitoring_alarm_topic_arn", "monitoring_alarm_topic_name", "monitoring_alarm_topic_kms_key_arn"} <= set(
        config["output"])


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_every_alarm_of_the_platform_notifies_the_stacks_encrypted_topic(platform, stack_json, env):
    config = stack_json(env)
    settings = platform.environments[env]
    [(topic_id, topic)] = resources_of(config, "aws_sns_topic").items()
    topic_arn = f"${{aws_sns_topic.{topic_id}.arn}}"
    key_id = topic["kms_master_key_id"].split(".")[1]
    assert resources_of(config, "aws_kms_key")[key_id]["enable_key_rotation"] is True
    alarms = resources_of(config, "aws_cloudwatch_metric_alarm").values()
    members = settings.redis.node_count
    brokers = settings.kafka.broker_count
    expected = 4 + members * (4 + (members > 1)) + 2 * brokers + 2 + 5
    assert len(alarms) == expected
    assert all(alarm["alarm_actions"] == [topic_arn] == alarm["ok_actions"] for alarm in alarms)
    assert config["output"]["monitoring_alarm_topic_arn"]["value"] == topic_arn


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_alarms_watch_the_resources_the_stack_creates(stack_json, env):
    config = stack_json(env)
    dimensions = [alarm.get("dimensions", {}) for alarm in resources_of(config, "aws_cloudwatch_metric_alarm").values()]
    [database] = resources_of(config, "aws_db_instance").values()
    [group] = resources_of(config, "aws_elasticache_replication_group").values()
    [cluster] = resources_of(config, "aws_msk_cluster").values()
    [domain] = resources_of(config, "aws_opensearch_domain").values()
    assert {d["DBInstanceIdentifier"] for d in dimensions if "DBInstanceIdentifier" in d} == {database["identifier"]}
    assert {d["CacheClusterId"].rsplit("-", 1)[0] for d in dimensions if "CacheClusterId" in d} == {
        group["replication_group_id"]}
    assert {d["Cluster Name"] for d in dimensions if "Cluster Name" in d} == {cluster["cluster_name"]}
    assert {d["DomainName"] for d in dimensions if "DomainName" in d} == {domain["domain_name"]}


def test_subscriptions_of_prod_come_from_its_file(stack_json):
    subscriptions = resources_of(stack_json("prod"), "aws_sns_topic_subscription").values()
    assert [(s["protocol"], s["endpoint"]) for s in subscriptions] == [("email", "platform-oncall@acme.example")]


def test_topic_policy_of_prod_admits_cloudwatch_and_the_environments_eventbridge_rules_only(stack_json):
    statements = json.loads(only(stack_json("prod"), "aws_sns_topic_policy")["policy"])["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"Service": "cloudwatch.amazonaws.com"},
                                                {"Service": "events.amazonaws.com"}]
