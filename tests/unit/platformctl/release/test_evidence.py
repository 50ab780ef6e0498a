"""Which alarms judge an application: its own, by exact name, and the platform alarms of the data stores
it uses; and how long verify waits after a rollback."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.config import load_platform
from platform_constructs.observability.monitoring_props import METRIC_DELAY_SECONDS
from platformctl.release.evidence import critical_data_stores, evidence_for

#: The stores api uses in every environment ([apps.api.uses]), in the order they are reported.
API_STORES = ("postgres", "redis", "kafka", "search")


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_own_alarms_are_named_exactly_and_exclude_capacity_and_burn_rate(platform, env):
    evidence = evidence_for(platform.environments[env], "api")
    assert evidence.own == tuple(f"acme-{env}-app-api-{signal}" for signal in (
        "5xx-ratio", "latency-p99", "unhealthy-targets", "no-healthy-targets", "restarts", "oom-kills"))
    # api uses every store ([apps.api.uses]): each one's failure fails it
    assert evidence.platform_prefixes == tuple(f"acme-{env}-{store}-" for store in API_STORES)


def test_dev_judges_no_alarm_of_its_own_but_still_the_stores_it_uses(platform):
    evidence = evidence_for(platform.environments["dev"], "api")
    assert evidence.own == () and evidence.clear_seconds == 0
    assert evidence.platform_prefixes == tuple(f"acme-dev-{store}-" for store in API_STORES)


def test_the_wait_after_a_rollback_follows_the_slowest_window_to_clear(tmp_path):
    directory = copy_environments(tmp_path)
    # a restart alarm on 3 of 4 minutes stays in ALARM until 2 quiet minutes pushed the breaches out; the
    # faster page keeps the on-call recovery inside the RTO (the configuration refuses it otherwise)
    set_value(directory, "prod.toml", "apps.api.monitoring.restarts",
              {"evaluation_periods": 4, "datapoints_to_alarm": 3})
    set_value(directory, "prod.toml", "monitoring.pager_acknowledgement", "30s")
    env = load_platform(directory).environments["prod"]
    evidence = evidence_for(env, "api")
    assert evidence.clear_seconds == 2 * 60 + METRIC_DELAY_SECONDS


def test_only_the_stores_an_application_uses_judge_it(tmp_path):
    directory = copy_environments(tmp_path)
    for file in ("staging.toml", "prod.toml"):  # staging and prod declare the same uses
        set_value(directory, file, "apps.api.uses", {"search": {"indices": ["api-*"], "access": "read"},
                                                     "redis": {"user": "api"}})
    env = load_platform(directory).environments["prod"]
    assert critical_data_stores(env.apps["api"]) == ("redis", "search")
    assert evidence_for(env, "api").platform_prefixes == ("acme-prod-redis-", "acme-prod-search-")
    set_value(directory, "staging.toml", "apps.api.uses", {})
    set_value(directory, "prod.toml", "apps.api.uses", {})
    assert evidence_for(load_platform(directory).environments["prod"], "api").platform_prefixes == ()
