"""Which alarms judge an application: its own, by exact name, and the platform alarms of the data stores
critical for it; and how long verify waits after a rollback."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.config import load_platform
from platform_constructs.observability.monitoring_props import METRIC_DELAY_SECONDS
from platformctl.release.evidence import critical_data_stores, evidence_for


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_own_alarms_are_named_exactly_and_exclude_capacity_and_burn_rate(platform, env):
    evidence = evidence_for(platform.environments[env], "api")
    assert evidence.own == tuple(f"acme-{env}-app-api-{signal}" for signal in (
        "5xx-ratio", "latency-p99", "unhealthy-targets", "no-healthy-targets", "restarts", "oom-kills"))
    assert evidence.platform_prefixes == (f"acme-{env}-postgres-",)


def test_dev_judges_no_alarm_of_its_own_but_still_its_critical_stores(platform):
    evidence = evidence_for(platform.environments["dev"], "api")
    assert evidence.own == () and evidence.clear_seconds == 0
    assert evidence.platform_prefixes == ("acme-dev-postgres-",)


def test_the_wait_after_a_rollback_follows_the_slowest_window_to_clear(tmp_path):
    directory = copy_environments(tmp_path)
    # a restart alarm on 3 of 4 minutes stays in ALARM until 2 quiet minutes pushed the breaches out; the
    # faster page keeps the on-call recovery inside the RTO (the configuration refuses it otherwise)
    set_value(directory, "prod.toml", "apps.api.monitoring.restarts", {"evaluation_periods": 4, "datapoints_to_alarm": 3})
    set_value(directory, "prod.toml", "monitoring.pager_acknowledgement", "30s")
    set_value(directory, "prod.toml", "apps.api.monitoring.critical_data_stores", ["search", "redis"])
    env = load_platform(directory).environments["prod"]
    evidence = evidence_for(env, "api")
    assert evidence.clear_seconds == 2 * 60 + METRIC_DELAY_SECONDS
    assert critical_data_stores(env.apps["api"]) == ("search", "redis")
    assert evidence.platform_prefixes == ("acme-prod-search-", "acme-prod-redis-")
