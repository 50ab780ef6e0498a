"""A VPC range is never picked silently outside dev: ``[network] cidr`` is required by the staging and prod
floors (``required = true`` in ``presets/network.toml``), and only the dev preset has a default."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, delete_value, set_value

from platform_constructs.config import load_platform
from platform_constructs.config.presets import Floor, floors, preset
from platform_constructs.config.tiers import TIERS
from platform_constructs.errors import ConfigError

DEV_DEFAULT_CIDR = "10.0.0.0/16"


@pytest.mark.parametrize("tier", TIERS)
def test_a_tier_without_a_default_range_requires_one(tier):
    default = preset(tier, {"network"})["network"].get("cidr")
    required = [floor for floor in floors(tier, {"network"}) if floor.field == "network.cidr" and floor.judges_the_file]
    assert (default is None) == bool(required), f"tier {tier}: a default range, or a required one, not both"
    assert (default == DEV_DEFAULT_CIDR) is (tier == "dev")


@pytest.mark.parametrize("file", ["staging.toml", "prod.toml"])
def test_leaving_out_the_range_outside_dev_is_refused(tmp_path, file):
    directory = copy_environments(tmp_path)
    delete_value(directory, file, "network.cidr")
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    tier = file.removesuffix(".toml")
    assert [str(problem).replace(f"{directory}/", "") for problem in raised.value.problems] == [
        f"{file}: network.cidr is absent: required in tier {tier}; set it in the environment file"]


def test_leaving_out_the_whole_network_table_outside_dev_names_the_range(tmp_path):
    directory = copy_environments(tmp_path)
    delete_value(directory, "prod.toml", "network")
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    assert [(problem.field, problem.value) for problem in raised.value.problems] == [("network.cidr", None)]


def test_dev_leaves_out_the_range_and_gets_the_documented_default(tmp_path):
    directory = copy_environments(tmp_path)
    delete_value(directory, "dev.toml", "network.cidr")
    assert load_platform(directory).environments["dev"].network.cidr == DEV_DEFAULT_CIDR


def test_the_dev_default_range_still_may_not_overlap_another_vpc(tmp_path):
    directory = copy_environments(tmp_path)
    delete_value(directory, "dev.toml", "network.cidr")
    set_value(directory, "staging.toml", "network.cidr", "10.0.0.0/16")
    with pytest.raises(ConfigError, match=r'dev.toml: network.cidr = "10.0.0.0/16": overlaps the VPC of staging'):
        load_platform(directory)


@pytest.mark.parametrize(("data", "unset"), [
    ({}, True),
    ({"network": {}}, True),
    ({"network": {"az_count": 3}}, True),
    ({"network": "not a table"}, True),
    ({"network": {"cidr": "10.1.0.0/16"}}, False),
    ({"network": {"cidr": 5}}, False),  # set, and wrong: the schema says so
])
def test_a_required_floor_judges_what_the_file_sets(data, unset):
    floor = Floor("prod", "network.cidr", "required", True)
    assert floor.unset_in(data) is unset
    assert not floor.violated_by("10.1.0.0/16") and not floor.violated_by(None)
    assert floor.describe() == "required in tier prod; set it in the environment file"


def test_a_required_floor_set_to_false_requires_nothing():
    assert not Floor("prod", "network.cidr", "required", False).unset_in({})
