"""``[plan_guard]``: protection comes from the tier presets, and staging/prod cannot turn it off."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.tooling.plan_guard_props import PlanGuardProps


def test_tier_presets_protect_staging_prod_and_shared_but_not_dev(platform):
    assert {name: env.plan_guard.protected for name, env in platform.environments.items()} == {
        "dev": False, "staging": True, "prod": True}
    assert platform.shared.plan_guard.protected is True


def test_the_model_default_is_protected():
    assert PlanGuardProps().protected is True


@pytest.mark.parametrize(("file", "tier"), [
    ("prod.toml", "prod"), ("staging.toml", "staging"), ("shared.toml", "prod"),
])
def test_protected_tiers_cannot_turn_the_guard_off(tmp_path, file, tier):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, file, "plan_guard.protected", False)
    with pytest.raises(ConfigError) as error:
        load_platform(environments)
    assert f"{file}: plan_guard.protected = False: must be True in tier {tier}" in str(error.value)


def test_dev_may_opt_in(tmp_path):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "plan_guard.protected", True)
    assert load_platform(environments).environments["dev"].plan_guard.protected is True


@pytest.mark.parametrize(("value", "message"), [
    ("yes", "Input should be a valid boolean"),
    (1, "Input should be a valid boolean"),
])
def test_protected_must_be_a_boolean(tmp_path, value, message):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "plan_guard.protected", value)
    with pytest.raises(ConfigError) as error:
        load_platform(environments)
    assert f"dev.toml: plan_guard.protected = {value!r}: {message}" in str(error.value)


def test_unknown_keys_are_refused(tmp_path):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "prod.toml", "plan_guard.protect", True)
    with pytest.raises(ConfigError) as error:
        load_platform(environments)
    assert "prod.toml: plan_guard.protect = True: unknown key; allowed keys here: protected" in str(error.value)
