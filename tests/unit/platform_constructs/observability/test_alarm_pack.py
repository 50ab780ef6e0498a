"""Inputs every alarm pack refuses before creating anything, each error naming the field and the value."""

from __future__ import annotations

import pytest
from tfjson import resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.observability.alarms.kafka import KafkaAlarms
from platform_constructs.observability.alarms.postgres import PostgresAlarms
from platform_constructs.observability.alarms.redis import RedisAlarms
from platform_constructs.observability.alarms.search import SearchAlarms
from platform_constructs.observability.monitoring_props import (
    KafkaAlarmThresholds,
    PostgresAlarmThresholds,
    RedisAlarmThresholds,
    SearchAlarmThresholds,
)

#: Stands for an attribute of a created resource (a Terraform reference), filled in per test.
TOKEN = object()

POSTGRES = (PostgresAlarms, {"identifier": "acme-test-postgres", "thresholds": PostgresAlarmThresholds()})
REDIS = (RedisAlarms, {"replication_group_id": "acme-test-redis", "member_cluster_ids": ["acme-test-redis-001"],
                       "thresholds": RedisAlarmThresholds()})
KAFKA = (KafkaAlarms, {"cluster_name": "acme-test-kafka", "broker_count": 3, "thresholds": KafkaAlarmThresholds()})
SEARCH = (SearchAlarms, {"domain_name": "acme-test-search", "volume_size_gib": 100,
                         "thresholds": SearchAlarmThresholds()})

# (pack, changed inputs, field named by the error, fragment of the message, error code)
BAD_INPUTS = [
    (POSTGRES, {"identifier": ""}, "identifier", "must be a non-empty string, got ''", "monitoring.input-not-a-name"),
    (POSTGRES, {"identifier": None}, "identifier", "got None", "monitoring.input-not-a-name"),
    (POSTGRES, {"identifier": TOKEN}, "identifier", "must be known at synth", "monitoring.input-unresolved"),
    (REDIS, {"replication_group_id": TOKEN}, "replication_group_id", "must be known at synth",
     "monitoring.input-unresolved"),
    (REDIS, {"member_cluster_ids": []}, "member_cluster_ids", "at least one member cluster, got none",
     "monitoring.no-cache-members"),
    (REDIS, {"member_cluster_ids": ["acme-test-redis-001", "acme-test-redis-001"]}, "member_cluster_ids",
     "must not repeat a member", "monitoring.duplicate-cache-members"),
    (REDIS, {"member_cluster_ids": ["acme-test-redis-001", 2]}, "member_cluster_ids[1]", "got 2",
     "monitoring.input-not-a-name"),
    (KAFKA, {"cluster_name": TOKEN}, "cluster_name", "must be known at synth", "monitoring.input-unresolved"),
    (KAFKA, {"broker_count": 0}, "broker_count", "whole number, 1 or more, known at synth, got 0",
     "monitoring.input-not-a-count"),
    (KAFKA, {"broker_count": True}, "broker_count", "got True", "monitoring.input-not-a-count"),
    (KAFKA, {"broker_count": 2.5}, "broker_count", "got 2.5", "monitoring.input-not-a-count"),
    (KAFKA, {"broker_count": "3"}, "broker_count", "got '3'", "monitoring.input-not-a-count"),
    (SEARCH, {"domain_name": TOKEN}, "domain_name", "must be known at synth", "monitoring.input-unresolved"),
    (SEARCH, {"volume_size_gib": -10}, "volume_size_gib", "got -10", "monitoring.input-not-a-count"),
]


@pytest.mark.parametrize(("pack", "changes", "field", "fragment", "code"), BAD_INPUTS)
def test_bad_inputs_are_refused_naming_field_and_value(synth_stack, pack, changes, field, fragment, code):
    pack_class, inputs = pack
    created = {}

    def build(stack):
        from platform_constructs._internal.tf import aws

        reference = aws.sns_topic.SnsTopic(stack, "Other").name
        values = {key: reference if value is TOKEN else value for key, value in {**inputs, **changes}.items()}
        created["pack"] = pack_class(stack, "Pack", topic_arn="arn:aws:sns:eu-west-1:1:t", **values)

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build)
    assert (raised.value.field, raised.value.code, raised.value.path) == (field, code, "test/Pack")
    assert fragment in raised.value.message
    assert "pack" not in created


@pytest.mark.parametrize("pack", [POSTGRES, REDIS, KAFKA, SEARCH])
def test_every_pack_exposes_the_names_of_the_alarms_it_created(synth_stack, pack):
    pack_class, inputs = pack
    created = {}

    def build(stack):
        created["pack"] = pack_class(stack, "Pack", topic_arn="arn:aws:sns:eu-west-1:1:t", **inputs)

    config = synth_stack(build)
    names = sorted(alarm["alarm_name"] for alarm in resources_of(config, "aws_cloudwatch_metric_alarm").values())
    assert sorted(created["pack"].alarm_names) == names
    assert set(created["pack"].alarms) == {spec.key for spec in created["pack"].specs}
