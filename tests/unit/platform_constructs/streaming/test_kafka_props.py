"""KafkaProps: field validation and the rules against zones, without synthesizing anything."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from platform_constructs.streaming.kafka_props import KafkaProps

# (props overrides, expected field path, expected fragment of the message)
BAD_FIELDS = [
    ({"instance_type": "express.m7g.large"}, "instance_type", "Express brokers (express.*) are not supported"),
    ({"instance_type": "kafka.t3.medium"}, "instance_type", "standard MSK broker type"),
    ({"instance_type": "kafka.m7g.24xlarge"}, "instance_type", "standard MSK broker type"),
    ({"instance_type": "m5.large"}, "instance_type", "standard MSK broker type"),
    ({"broker_count": 1}, "broker_count", "greater than or equal to 2"),
    ({"broker_count": "3"}, "broker_count", "valid integer"),
    ({"volume_size_gib": 0}, "volume_size_gib", "greater than or equal to 1"),
    ({"volume_size_gib": 16385}, "volume_size_gib", "less than or equal to 16384"),
    ({"storage_target_percent": 90}, "storage_target_percent", "less than or equal to 80"),
    ({"storage_target_percent": 5}, "storage_target_percent", "greater than or equal to 10"),
    ({"replication_factor": 1}, "replication_factor", "greater than or equal to 2"),
    ({"min_insync_replicas": 0}, "min_insync_replicas", "greater than or equal to 1"),
    ({"enhanced_monitoring": "PER_PARTITION"}, "enhanced_monitoring", "'DEFAULT', 'PER_BROKER'"),
    ({"kafka_version": "latest"}, "kafka_version", "should match pattern"),
    ({"prometheus_exporters": "yes"}, "prometheus_exporters", "valid boolean"),
    ({"unauthenticated": True}, "unauthenticated", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("overrides", "field", "fragment"), BAD_FIELDS, ids=[case[1] + "-" + str(i)
                                                                              for i, case in enumerate(BAD_FIELDS)])
def test_bad_field_is_refused_naming_it(overrides, field, fragment):
    with pytest.raises(ValidationError) as raised:
        KafkaProps(**overrides)
    [error] = raised.value.errors()
    assert error["loc"] == (field,)
    assert fragment in error["msg"]


# (props overrides, zones, expected field, expected code, expected fragment)
BAD_COMBINATIONS = [
    ({"broker_count": 4}, 3, "broker_count", "kafka.broker-count", "use a multiple of 3, e.g. 3 or 6"),
    ({"broker_count": 2, "replication_factor": 2, "min_insync_replicas": 1}, 3, "broker_count", "kafka.broker-count",
     "2 brokers cannot be spread evenly over 3 zones"),
    ({"broker_count": 3}, 2, "broker_count", "kafka.broker-count", "e.g. 2 or 4"),
    ({}, 1, "subnet_ids", "kafka.zone-count", "needs 2 or 3 zones"),
    ({"broker_count": 4}, 4, "subnet_ids", "kafka.zone-count", "got 4"),
    ({"broker_count": 2, "replication_factor": 3}, 2, "replication_factor", "kafka.replication-factor",
     "3 replicas need as many brokers; broker_count is 2"),
    ({"min_insync_replicas": 3}, 3, "min_insync_replicas", "kafka.min-insync-replicas",
     "must be below replication_factor (3)"),
    ({"volume_size_gib": 500, "max_volume_size_gib": 500}, 3, "max_volume_size_gib", "kafka.max-volume-size",
     "500 GiB must exceed volume_size_gib (500 GiB)"),
]


@pytest.mark.parametrize(("overrides", "zones", "field", "code", "fragment"), BAD_COMBINATIONS,
                         ids=[case[3] for case in BAD_COMBINATIONS])
def test_bad_combination_is_reported_naming_the_field(overrides, zones, field, code, fragment):
    problems = KafkaProps(**overrides).problems(zones, zones_field="subnet_ids")
    assert [(p.field, p.code) for p in problems] == [(field, code)]
    assert fragment in problems[0].message


def test_configuration_files_name_fields_with_the_section_prefix():
    [problem] = KafkaProps(broker_count=3).problems(2, zones_field="network.az_count", prefix="kafka.")
    assert problem.field == "kafka.broker_count"
    assert "(network.az_count)" in problem.message


def test_every_problem_is_reported_at_once():
    props = KafkaProps(broker_count=4, replication_factor=5, min_insync_replicas=5, max_volume_size_gib=50)
    assert {p.field for p in props.problems(3, zones_field="subnet_ids")} == {
        "broker_count", "replication_factor", "min_insync_replicas", "max_volume_size_gib"}


def test_defaults_are_valid_over_three_zones():
    assert KafkaProps().problems(3, zones_field="subnet_ids") == []


@given(brokers=st.integers(min_value=2, max_value=60), zones=st.sampled_from([2, 3]))
def test_broker_count_is_accepted_exactly_when_every_zone_gets_the_same_number(brokers, zones):
    props = KafkaProps(broker_count=brokers, replication_factor=2, min_insync_replicas=1)
    refused = any(p.field == "broker_count" for p in props.problems(zones, zones_field="subnet_ids"))
    assert refused == (brokers % zones != 0)


def test_server_properties_hold_the_durability_settings_and_never_auto_create_topics():
    text = KafkaProps(replication_factor=3, min_insync_replicas=2).server_properties()
    assert text.splitlines() == [
        "auto.create.topics.enable=false",
        "default.replication.factor=3",
        "min.insync.replicas=2",
    ]
