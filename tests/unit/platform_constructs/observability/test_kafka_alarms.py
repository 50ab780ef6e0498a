"""Kafka alarm pack: per-broker and cluster alarms, the active-controller expression, stable ids."""

from __future__ import annotations

import pytest
from tfjson import resources_of

from platform_constructs.observability.alarms.kafka import KafkaAlarms
from platform_constructs.observability.monitoring_props import KafkaAlarmThresholds

CLUSTER = "acme-test-kafka"

# name suffix, metric, threshold, evaluation periods, missing data (all Maximum, "greater than")
BROKER_ALARMS = [
    ("disk-used-high", "KafkaDataLogsDiskUsed", 85, 5, "missing"),
    ("under-replicated-partitions", "UnderReplicatedPartitions", 0, 15, "notBreaching"),
]


@pytest.fixture
def alarms(synth_alarms):
    return synth_alarms(KafkaAlarms, cluster_name=CLUSTER, broker_count=3, thresholds=KafkaAlarmThresholds())


def test_the_pack_has_per_broker_and_cluster_alarms(alarms):
    assert sorted(alarms) == sorted(
        [f"{CLUSTER}-broker-{broker}-{suffix}" for broker in (1, 2, 3) for suffix, *_ in BROKER_ALARMS]
        + [f"{CLUSTER}-offline-partitions", f"{CLUSTER}-active-controller"])


@pytest.mark.parametrize("broker", [1, 2, 3])
@pytest.mark.parametrize(("suffix", "metric", "threshold", "periods", "missing"), BROKER_ALARMS)
def test_broker_alarms_watch_their_broker(alarms, broker, suffix, metric, threshold, periods, missing):
    alarm = alarms[f"{CLUSTER}-broker-{broker}-{suffix}"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"], alarm["period"]) == (
        "AWS/Kafka", metric, "Maximum", 60)
    assert alarm["dimensions"] == {"Cluster Name": CLUSTER, "Broker ID": str(broker)}
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanThreshold", threshold)
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (periods, periods)
    assert alarm["treat_missing_data"] == missing


def test_offline_partitions_fire_at_the_first_minute(alarms):
    alarm = alarms[f"{CLUSTER}-offline-partitions"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == ("AWS/Kafka", "OfflinePartitionsCount",
                                                                              "Maximum")
    assert alarm["dimensions"] == {"Cluster Name": CLUSTER}
    assert (alarm["comparison_operator"], alarm["threshold"], alarm["evaluation_periods"]) == (
        "GreaterThanThreshold", 0, 1)
    assert alarm["treat_missing_data"] == "notBreaching"


def test_active_controller_alarm_fires_on_none_or_several_and_on_silence(alarms):
    alarm = alarms[f"{CLUSTER}-active-controller"]
    assert "metric_name" not in alarm and "namespace" not in alarm
    inputs = {query["id"]: query for query in alarm["metric_query"]}
    assert set(inputs) == {"highest", "total", "result"}
    for query_id, statistic in (("highest", "Maximum"), ("total", "Sum")):
        assert inputs[query_id]["return_data"] is False
        assert inputs[query_id]["metric"] == {"namespace": "AWS/Kafka", "metric_name": "ActiveControllerCount",
                                              "dimensions": {"Cluster Name": CLUSTER}, "stat": statistic,
                                              "period": 60}
    assert inputs["result"]["expression"] == "IF(highest < 1, 1, ABS(total - 1))"
    assert inputs["result"]["return_data"] is True
    assert (alarm["comparison_operator"], alarm["threshold"], alarm["evaluation_periods"]) == (
        "GreaterThanThreshold", 0, 5)
    assert alarm["treat_missing_data"] == "breaching"


def test_every_alarm_notifies_the_topic(alarms, assert_notifies, topic_arn):
    assert_notifies(alarms, topic_arn)


def test_adding_brokers_keeps_every_existing_alarm_unchanged(synth_stack):
    def build(broker_count):
        return lambda stack: KafkaAlarms(stack, "Pack", cluster_name=CLUSTER, broker_count=broker_count,
                                         thresholds=KafkaAlarmThresholds(), topic_arn="arn:aws:sns:eu-west-1:1:t")

    three = resources_of(synth_stack(build(3)), "aws_cloudwatch_metric_alarm")
    six = resources_of(synth_stack(build(6)), "aws_cloudwatch_metric_alarm")
    assert set(three) < set(six)
    assert all(six[logical_id] == body for logical_id, body in three.items())


def test_overrides_reach_the_alarms(synth_alarms):
    thresholds = KafkaAlarmThresholds.model_validate({"disk_used": {"percent": 75},
                                                      "active_controller": {"evaluation_periods": 3}})
    alarms = synth_alarms(KafkaAlarms, cluster_name=CLUSTER, broker_count=2, thresholds=thresholds)
    assert {alarms[f"{CLUSTER}-broker-{broker}-disk-used-high"]["threshold"] for broker in (1, 2)} == {75}
    assert alarms[f"{CLUSTER}-active-controller"]["evaluation_periods"] == 3
