"""Recovery time from the real detectors: every critical path of staging and prod ends under the RTO, computed
from the presets; a preset change that breaks it is refused; docs/rollback.md's table is the code's."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.k8s.recovery_time import MAJOR_RTO_SECONDS, recovery_paths
from platform_constructs.naming import Naming
from platform_constructs.observability.monitoring_props import METRIC_DELAY_SECONDS
from platformctl import rto_doc


def paths_of(env, severity="critical"):
    return recovery_paths(Naming(env.naming.prefix, env.name), env.rollout, env.monitoring, severity)


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_every_critical_recovery_path_ends_under_the_rto(platform, env):
    settings = platform.environments[env]
    paths = paths_of(settings)
    assert [path.name for path in paths] == ["automatic, alarm in the release watch", "automatic, stuck rollout",
                                             "on-call (`platform-main/rollback`)", "on-call, break glass"]
    for path in paths:
        assert path.budget_seconds == settings.rollout.rto.to_seconds() == 15 * 60
        assert path.within_budget, (path.name, path.total_seconds)
    assert settings.recovery_time == {path.name: path.total_seconds for path in paths}


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_major_failures_are_recovered_within_thirty_minutes(platform, env):
    paths = paths_of(platform.environments[env], "major")
    assert paths and all(path.budget_seconds == MAJOR_RTO_SECONDS and path.within_budget for path in paths)


def test_the_on_call_path_adds_up_from_its_detectors(platform):
    env = platform.environments["prod"]
    on_call = {path.name: path for path in paths_of(env)}["on-call (`platform-main/rollback`)"]
    steps = {step.name: step.seconds for step in on_call.steps}
    apps = env.monitoring.apps
    slowest_critical = max(apps.error_ratio.breaching_periods, apps.no_healthy_targets.breaching_periods) * 60
    assert steps == {
        "detection: alarm": slowest_critical + METRIC_DELAY_SECONDS,
        "on-call acknowledges the page": env.monitoring.pager_acknowledgement.to_seconds(),
        "agent pod, checkout, synth, Terraform": env.rollout.rollback_overhead.to_seconds(),
        "rollout of the last good image": env.rollout.rto_estimate.rollout_seconds,
        "verify": 60 + METRIC_DELAY_SECONDS + 1,
    }
    assert on_call.total_seconds == sum(steps.values())


def test_dev_without_application_alarms_counts_only_the_stuck_rollout(platform):
    [path] = paths_of(platform.environments["dev"])
    assert path.name == "automatic, stuck rollout" and path.within_budget


BOTH = {"monitoring.apps", "apps.api.monitoring"}  # api inherits the environment's windows


@pytest.mark.parametrize(("key", "value", "fields"), [
    ("monitoring.apps.error_ratio", {"evaluation_periods": 3}, BOTH),
    ("apps.api.monitoring.no_healthy_targets", {"evaluation_periods": 4}, {"apps.api.monitoring"}),
    ("monitoring.pager_acknowledgement", "4m", BOTH),
])
def test_a_preset_change_that_breaks_the_critical_path_is_refused(tmp_path, key, value, fields):
    directory = copy_environments(tmp_path)
    set_value(directory, "prod.toml", key, value)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    late = [p for p in raised.value.problems if "not under rollout.rto (900 s)" in p.message]
    assert {p.field for p in late} == fields
    assert all(p.file.endswith("prod.toml") and p.value >= 900 for p in late)


def test_the_documents_budget_table_is_the_codes(monkeypatch):
    document = rto_doc.DOCUMENT.read_text(encoding="utf-8")
    block = rto_doc.rendered_block()
    assert block.count("\n") > 5
    assert rto_doc.with_block(document, block) == document, "run python -m platformctl.rto_doc"
    assert rto_doc.main(["--check"]) == 0
