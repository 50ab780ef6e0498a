"""``[plan_guard]``: protection comes from the tier presets, and staging/prod cannot turn it off."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.config import load_platform
from platform_constructs.config.plan_guard_props import PlanGuardProps
from platform_constructs.errors import ConfigError


def test_tier_presets_protect_staging_prod_and_shared_but_not_dev(platform):
    assert {name: env.plan_guard.protected for name, env in platform.environments.items()} == {
        "dev": False, "staging": True, "prod": True}
    assert platform.shared.plan_guard.protected is True


def test_the_model_default_is_protected():
    assert PlanGuardProps().protected is True


# A protected account's refusal names the registry; the tier floor would say the same about the same value,
# so it is not reported again.
BAD_SETTINGS = [
    ("prod.toml", "plan_guard.protected", False,
     "plan_guard.protected = false: cannot be turned off: account 333333333333 is protected"),
    ("staging.toml", "plan_guard.protected", False,
     "plan_guard.protected = false: cannot be turned off: account 222222222222 is protected"),
    ("shared.toml", "plan_guard.protected", False,
     "plan_guard.protected = false: cannot be turned off: account 444444444444 is protected"),
    ("dev.toml", "plan_guard.protected", "yes", 'plan_guard.protected = "yes": must be true or false, not a string'),
    ("dev.toml", "plan_guard.protected", 1, "plan_guard.protected = 1: must be true or false, not an integer"),
    ("prod.toml", "plan_guard.protect", True,
     "plan_guard.protect = true: unknown key; did you mean protected? Allowed keys here: protected"),
]


@pytest.mark.parametrize(("file", "dotted", "value", "message"), BAD_SETTINGS,
                         ids=[f"{case[0]}-{case[1]}={case[2]!r}" for case in BAD_SETTINGS])
def test_bad_settings_are_refused_naming_file_field_and_value(tmp_path, file, dotted, value, message):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, file, dotted, value)
    with pytest.raises(ConfigError) as error:
        load_platform(environments)
    assert f"{file}: {message}" in str(error.value)
    assert len(error.value.problems) == 1, str(error.value)


def test_dev_may_opt_in(tmp_path):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "plan_guard.protected", True)
    assert load_platform(environments).environments["dev"].plan_guard.protected is True
