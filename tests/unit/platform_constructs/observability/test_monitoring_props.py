"""Monitoring props: documented defaults, partial overrides, subscribers, and bad thresholds refused by field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from platform_constructs.observability.monitoring_props import (
    AlarmTopicProps,
    AlarmWindow,
    GibThreshold,
    MonitoringProps,
    PercentThreshold,
    PostgresAlarmThresholds,
    Subscriber,
)


def test_every_field_documents_its_default():
    from platform_constructs.observability import monitoring_props

    models = [value for value in vars(monitoring_props).values()
              if isinstance(value, type) and issubclass(value, monitoring_props.Props)
              and value.__module__ == monitoring_props.__name__]
    fields = [(model.__name__, name, info) for model in models for name, info in model.model_fields.items()]
    assert len(fields) > 25
    assert not [f"{model}.{name}" for model, name, info in fields if "Default: " not in (info.description or "")]


def test_defaults_are_the_documented_ones():
    props = MonitoringProps()
    assert props.enabled is True
    assert props.topic.subscribers == ()
    assert (props.postgres.cpu.percent, props.postgres.cpu.evaluation_periods) == (80, 5)
    assert props.redis.replication_lag.seconds == 30
    assert props.kafka.under_replicated_partitions.evaluation_periods == 15
    assert (props.search.cluster_red.evaluation_periods, props.search.jvm_memory_pressure.evaluation_periods) == (1, 3)


def test_a_partial_table_overrides_only_the_keys_it_names():
    thresholds = PostgresAlarmThresholds.model_validate({"cpu": {"percent": 90},
                                                         "free_storage": {"evaluation_periods": 1}})
    assert (thresholds.cpu.percent, thresholds.cpu.evaluation_periods) == (90, 5)
    assert (thresholds.free_storage.gib, thresholds.free_storage.evaluation_periods) == (5, 1)
    assert thresholds.connections == PostgresAlarmThresholds().connections


def test_a_whole_threshold_object_replaces_the_default():
    thresholds = PostgresAlarmThresholds(cpu=PercentThreshold(percent=70))
    assert (thresholds.cpu.percent, thresholds.cpu.evaluation_periods) == (70, 5)


def test_datapoints_default_to_the_whole_window():
    assert AlarmWindow(evaluation_periods=4).breaching_periods == 4
    assert AlarmWindow(evaluation_periods=4, datapoints_to_alarm=2).breaching_periods == 2


def test_sizes_convert_to_bytes():
    assert GibThreshold(gib=0.25).bytes == 256 * 1024**2


@pytest.mark.parametrize(("text", "protocol"), [
    ("oncall@acme.example", "email"),
    ("https://hooks.acme.example/alarms?team=platform", "https"),
])
def test_a_plain_string_becomes_a_subscriber_by_its_form(text, protocol):
    assert AlarmTopicProps.model_validate({"subscribers": [text]}).subscribers == (
        Subscriber(protocol=protocol, endpoint=text),)
    assert getattr(Subscriber, protocol)(text) == Subscriber(protocol=protocol, endpoint=text)


def test_subscriber_keys_are_stable_and_distinct():
    first, second = Subscriber.email("a@acme.example"), Subscriber.email("b@acme.example")
    assert first.key == Subscriber.email("a@acme.example").key
    assert first.key != second.key


# (input of MonitoringProps, error location, fragment of the message)
BAD_PROPS = [
    ({"postgres": {"cpu": {"percent": 120}}}, ("postgres", "cpu", "percent"), "greater than 0 and less than 100"),
    ({"postgres": {"cpu": {"percent": 100}}}, ("postgres", "cpu", "percent"), "always or never fire"),
    ({"redis": {"memory": {"percent": 0}}}, ("redis", "memory", "percent"), "greater than 0 and less than 100"),
    ({"kafka": {"disk_used": {"percent": -5}}}, ("kafka", "disk_used", "percent"), "greater than 0"),
    ({"postgres": {"cpu": {"percent": "80"}}}, ("postgres", "cpu", "percent"), "valid number"),
    ({"postgres": {"cpu": {"percent": True}}}, ("postgres", "cpu", "percent"), "valid number"),
    ({"postgres": {"free_storage": {"gib": 0}}}, ("postgres", "free_storage", "gib"), "must be greater than 0"),
    ({"postgres": {"freeable_memory": {"gib": -1}}}, ("postgres", "freeable_memory", "gib"), "greater than 0"),
    ({"postgres": {"connections": {"count": -1}}}, ("postgres", "connections", "count"), "must be 0 or more"),
    ({"postgres": {"connections": {"count": 1.5}}}, ("postgres", "connections", "count"), "valid integer"),
    ({"redis": {"replication_lag": {"seconds": 0}}}, ("redis", "replication_lag", "seconds"), "greater than 0"),
    ({"kafka": {"offline_partitions": {"evaluation_periods": 0}}},
     ("kafka", "offline_partitions", "evaluation_periods"), "between 1 and 1440"),
    ({"search": {"cluster_yellow": {"evaluation_periods": 1441}}}, ("search", "cluster_yellow", "evaluation_periods"),
     "at most one day"),
    ({"search": {"jvm_memory_pressure": {"datapoints_to_alarm": 4}}}, ("search", "jvm_memory_pressure"),
     "datapoints_to_alarm (4) must not exceed evaluation_periods (3)"),
    ({"kafka": {"offline_partitions": {"count": 1}}}, ("kafka", "offline_partitions", "count"), "Extra inputs"),
    ({"postgres": {"cpu_percent": 90}}, ("postgres", "cpu_percent"), "Extra inputs"),
    ({"enabled": "yes"}, ("enabled",), "valid boolean"),
    ({"topic": {"subscribers": ["oncall"]}}, ("topic", "subscribers", 0), "'oncall' is not an e-mail address"),
    ({"topic": {"subscribers": ["http://hooks.acme.example"]}}, ("topic", "subscribers", 0), "must be an https:// URL"),
    ({"topic": {"subscribers": ["https://"]}}, ("topic", "subscribers", 0), "with a host"),
    ({"topic": {"subscribers": ["https://user:pw@hooks.acme.example"]}}, ("topic", "subscribers", 0),
     "credentials in the URL"),
    ({"topic": {"subscribers": [{"protocol": "sms", "endpoint": "+15550100"}]}},
     ("topic", "subscribers", 0, "protocol"), "'email' or 'https'"),
    ({"topic": {"subscribers": ["a@acme.example", "a@acme.example"]}}, ("topic", "subscribers"),
     "lists a@acme.example more than once"),
]


@pytest.mark.parametrize(("data", "location", "fragment"), BAD_PROPS)
def test_bad_props_are_refused_naming_the_field(data, location, fragment):
    with pytest.raises(ValidationError) as raised:
        MonitoringProps.model_validate(data)
    [error] = raised.value.errors()
    assert error["loc"] == location
    assert fragment in error["msg"]


def test_credentials_never_appear_in_the_error_message():
    with pytest.raises(ValidationError) as raised:
        Subscriber.https("https://user:secret-pw@hooks.acme.example/x")
    assert "secret-pw" not in raised.value.errors()[0]["msg"]
