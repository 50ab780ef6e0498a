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


BAD_SETTINGS = [
    ("prod.toml", "plan_guard.protected", False, "plan_guard.protected = False: must be True in tier prod"),
    ("staging.toml", "plan_guard.protected", False, "plan_guard.protected = False: must be True in tier staging"),
    ("shared.toml", "plan_guard.protected", False, "plan_guard.protected = False: must be True in tier prod"),
    ("dev.toml", "plan_guard.protected", "yes", "plan_guard.protected = 'yes': Input should be a valid boolean"),
    ("dev.toml", "plan_guard.protected", 1, "plan_guard.protected = 1: Input should be a valid boolean"),
    ("prod.toml", "plan_guard.protect", True,
     "plan_guard.protect = True: unknown key; allowed keys here: protected"),
]


@pytest.mark.parametrize(("file", "dotted", "value", "message"), BAD_SETTINGS,
                         ids=[f"{case[0]}-{case[1]}={case[2]!r}" for case in BAD_SETTINGS])
def test_bad_settings_are_refused_naming_file_field_and_value(tmp_path, file, dotted, value, message):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, file, dotted, value)
    with pytest.raises(ConfigError) as error:
        load_platform(environments)
    assert f"{file}: {message}" in str(error.value)


def test_dev_may_opt_in(tmp_path):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "plan_guard.protected", True)
    assert load_platform(environments).environments["dev"].plan_guard.protected is True
