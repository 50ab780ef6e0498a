"""PostgreSQL alarm pack: each alarm's metric and condition, topic actions, overrides."""

from __future__ import annotations

import pytest

from platform_constructs.observability.alarms.postgres import PostgresAlarms
from platform_constructs.observability.monitoring_props import PostgresAlarmThresholds

IDENTIFIER = "acme-test-postgres"
GIB = 1024**3

# name suffix, metric, statistic, comparison, threshold (CloudWatch unit), evaluation periods
DEFAULT_ALARMS = [
    ("cpu-high", "CPUUtilization", "Average", "GreaterThanThreshold", 80, 5),
    ("free-storage-low", "FreeStorageSpace", "Minimum", "LessThanThreshold", 5 * GIB, 5),
    ("freeable-memory-low", "FreeableMemory", "Average", "LessThanThreshold", GIB // 4, 5),
    ("connections-high", "DatabaseConnections", "Average", "GreaterThanThreshold", 200, 5),
]


@pytest.fixture
def default_alarms(synth_alarms):
    return synth_alarms(PostgresAlarms, identifier=IDENTIFIER, thresholds=PostgresAlarmThresholds())


def test_the_pack_has_exactly_the_documented_alarms(default_alarms):
    assert sorted(default_alarms) == sorted(f"{IDENTIFIER}-{suffix}" for suffix, *_ in DEFAULT_ALARMS)


@pytest.mark.parametrize(("suffix", "metric", "statistic", "comparison", "threshold", "periods"), DEFAULT_ALARMS)
def test_each_alarm_watches_its_metric_of_the_instance(default_alarms, suffix, metric, statistic, comparison,
                                                       threshold, periods):
    alarm = default_alarms[f"{IDENTIFIER}-{suffix}"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"], alarm["period"]) == (
        "AWS/RDS", metric, statistic, 60)
    assert alarm["dimensions"] == {"DBInstanceIdentifier": IDENTIFIER}
    assert (alarm["comparison_operator"], alarm["threshold"]) == (comparison, threshold)
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (periods, periods)
    # host gauges: a gap is a reboot or a stop, never a breach
    assert alarm["treat_missing_data"] == "missing"


def test_every_alarm_notifies_the_topic(default_alarms, assert_notifies, topic_arn):
    assert_notifies(default_alarms, topic_arn)


def test_description_states_meaning_condition_and_missing_data(default_alarms):
    assert default_alarms[f"{IDENTIFIER}-free-storage-low"]["alarm_description"] == (
        "PostgreSQL acme-test-postgres: storage nearly full. Fires when FreeStorageSpace (Minimum) < 5 GiB "
        "in 5 of 5 one-minute periods; missing data is ignored (a gap says nothing about this gauge).")


def test_overrides_reach_the_alarms_and_keep_the_other_defaults(synth_alarms):
    thresholds = PostgresAlarmThresholds.model_validate({
        "cpu": {"percent": 95},
        "free_storage": {"gib": 20, "evaluation_periods": 1},
        "connections": {"count": 700, "evaluation_periods": 10, "datapoints_to_alarm": 3},
    })
    alarms = synth_alarms(PostgresAlarms, identifier=IDENTIFIER, thresholds=thresholds)
    cpu, storage, connections, memory = (alarms[f"{IDENTIFIER}-{suffix}"] for suffix in (
        "cpu-high", "free-storage-low", "connections-high", "freeable-memory-low"))
    assert (cpu["threshold"], cpu["evaluation_periods"], cpu["datapoints_to_alarm"]) == (95, 5, 5)
    assert (storage["threshold"], storage["evaluation_periods"], storage["datapoints_to_alarm"]) == (20 * GIB, 1, 1)
    assert (connections["threshold"], connections["evaluation_periods"], connections["datapoints_to_alarm"]) == (
        700, 10, 3)
    assert memory["threshold"] == GIB // 4
