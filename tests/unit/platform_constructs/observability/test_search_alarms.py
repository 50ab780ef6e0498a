"""OpenSearch alarm pack: AWS's recommended health alarms, the account dimension, free storage per volume."""

from __future__ import annotations

import pytest

from platform_constructs.observability.alarms.search import SearchAlarms
from platform_constructs.observability.monitoring_props import SearchAlarmThresholds

DOMAIN = "acme-test-search"
ACCOUNT = "${data.aws_caller_identity.CallerIdentity.account_id}"

# name suffix, metric, statistic, comparison, threshold, evaluation periods, missing data
DEFAULT_ALARMS = [
    ("cluster-red", "ClusterStatus.red", "Maximum", "GreaterThanOrEqualToThreshold", 1, 1, "breaching"),
    ("cluster-yellow", "ClusterStatus.yellow", "Maximum", "GreaterThanOrEqualToThreshold", 1, 5, "notBreaching"),
    # 25 % of a 100 GiB volume, in MiB
    ("free-storage-low", "FreeStorageSpace", "Minimum", "LessThanOrEqualToThreshold", 25600, 1, "missing"),
    ("jvm-memory-pressure-high", "JVMMemoryPressure", "Maximum", "GreaterThanOrEqualToThreshold", 95, 3, "missing"),
    ("master-unreachable", "MasterReachableFromNode", "Maximum", "LessThanThreshold", 1, 5, "breaching"),
]


@pytest.fixture
def default_alarms(synth_alarms):
    return synth_alarms(SearchAlarms, domain_name=DOMAIN, volume_size_gib=100, thresholds=SearchAlarmThresholds())


def test_the_pack_has_exactly_the_documented_alarms(default_alarms):
    assert sorted(default_alarms) == sorted(f"{DOMAIN}-{suffix}" for suffix, *_ in DEFAULT_ALARMS)


@pytest.mark.parametrize(("suffix", "metric", "statistic", "comparison", "threshold", "periods", "missing"),
                         DEFAULT_ALARMS)
def test_each_alarm_watches_its_metric_of_the_domain(default_alarms, suffix, metric, statistic, comparison,
                                                     threshold, periods, missing):
    alarm = default_alarms[f"{DOMAIN}-{suffix}"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"], alarm["period"]) == (
        "AWS/ES", metric, statistic, 60)
    # ClientId is the deploying account, from the stack's caller-identity lookup
    assert alarm["dimensions"] == {"DomainName": DOMAIN, "ClientId": ACCOUNT}
    assert (alarm["comparison_operator"], alarm["threshold"]) == (comparison, threshold)
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (periods, periods)
    assert alarm["treat_missing_data"] == missing


def test_every_alarm_notifies_the_topic(default_alarms, assert_notifies, topic_arn):
    assert_notifies(default_alarms, topic_arn)


def test_free_storage_follows_the_volume_size_and_the_configured_share(synth_alarms):
    thresholds = SearchAlarmThresholds.model_validate({"free_storage": {"percent": 10}})
    alarm = synth_alarms(SearchAlarms, domain_name=DOMAIN, volume_size_gib=50,
                         thresholds=thresholds)[f"{DOMAIN}-free-storage-low"]
    assert alarm["threshold"] == 5120
    assert alarm["evaluation_periods"] == 1
    assert "<= 5120 MiB (10 % of 50 GiB)" in alarm["alarm_description"]
