"""Redis/Valkey alarm pack: per-node alarms, replication lag on replicated groups, stable ids."""

from __future__ import annotations

import pytest
from tfjson import resources_of

from platform_constructs.observability.alarms.redis import RedisAlarms
from platform_constructs.observability.monitoring_props import RedisAlarmThresholds

GROUP = "acme-test-redis"

# name suffix, metric, statistic, threshold, missing data
NODE_ALARMS = [
    ("cpu-high", "CPUUtilization", "Average", 90, "missing"),
    ("engine-cpu-high", "EngineCPUUtilization", "Average", 90, "missing"),
    ("evictions", "Evictions", "Sum", 0, "notBreaching"),
    ("memory-high", "DatabaseMemoryUsagePercentage", "Average", 80, "missing"),
    ("replication-lag-high", "ReplicationLag", "Maximum", 30, "notBreaching"),
]


def members(count: int) -> list[str]:
    return [f"{GROUP}-{number:03d}" for number in range(1, count + 1)]


def build(count: int, thresholds: RedisAlarmThresholds | None = None):
    def create(stack):
        RedisAlarms(stack, "Pack", replication_group_id=GROUP, member_cluster_ids=members(count),
                    thresholds=thresholds or RedisAlarmThresholds(), topic_arn="arn:aws:sns:eu-west-1:1:t")
    return create


@pytest.fixture
def replicated_alarms(synth_alarms):
    return synth_alarms(RedisAlarms, replication_group_id=GROUP, member_cluster_ids=members(2),
                        thresholds=RedisAlarmThresholds())


def test_every_node_of_a_replicated_group_has_every_alarm(replicated_alarms):
    assert sorted(replicated_alarms) == sorted(f"{member}-{suffix}" for member in members(2)
                                               for suffix, *_ in NODE_ALARMS)


@pytest.mark.parametrize("member", members(2))
@pytest.mark.parametrize(("suffix", "metric", "statistic", "threshold", "missing"), NODE_ALARMS)
def test_each_alarm_watches_its_metric_of_its_node(replicated_alarms, member, suffix, metric, statistic, threshold,
                                                   missing):
    alarm = replicated_alarms[f"{member}-{suffix}"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"], alarm["period"]) == (
        "AWS/ElastiCache", metric, statistic, 60)
    assert alarm["dimensions"] == {"CacheClusterId": member}
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanThreshold", threshold)
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (5, 5)
    assert alarm["treat_missing_data"] == missing


def test_every_alarm_notifies_the_topic(replicated_alarms, assert_notifies, topic_arn):
    assert_notifies(replicated_alarms, topic_arn)


def test_a_single_node_has_no_replication_lag_alarm(synth_alarms):
    alarms = synth_alarms(RedisAlarms, replication_group_id=GROUP, member_cluster_ids=members(1),
                          thresholds=RedisAlarmThresholds())
    assert sorted(alarms) == sorted(f"{GROUP}-001-{suffix}" for suffix, *_ in NODE_ALARMS[:4])


def test_adding_a_node_keeps_every_existing_alarm_unchanged(synth_stack):
    two = resources_of(synth_stack(build(2)), "aws_cloudwatch_metric_alarm")
    three = resources_of(synth_stack(build(3)), "aws_cloudwatch_metric_alarm")
    assert set(two) < set(three)
    assert all(three[logical_id] == body for logical_id, body in two.items())


def test_overrides_reach_every_node(synth_alarms):
    thresholds = RedisAlarmThresholds.model_validate({"memory": {"percent": 70}, "replication_lag": {"seconds": 5}})
    alarms = synth_alarms(RedisAlarms, replication_group_id=GROUP, member_cluster_ids=members(2), thresholds=thresholds)
    for member in members(2):
        assert alarms[f"{member}-memory-high"]["threshold"] == 70
        assert alarms[f"{member}-replication-lag-high"]["threshold"] == 5
        assert alarms[f"{member}-replication-lag-high"]["evaluation_periods"] == 5
