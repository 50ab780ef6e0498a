"""The account registry binds each environment to its account and lowest tier; regions come from a maintained list."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import botocore
import pytest

from platform_constructs.config.accounts import AccountRegistry, binding_findings
from platform_constructs.config.regions import KNOWN_REGIONS, REGIONS_BY_PARTITION

ROOT = Path(__file__).resolve().parents[4]
REGISTRY = AccountRegistry.model_validate(tomllib.loads((ROOT / "environments" / "accounts.toml").read_text()))


def test_the_repository_registry_binds_every_configuration(platform):
    assert {config.aws.account_id: name for name, config in platform.configs()} == {
        account: entry.environment for account, entry in REGISTRY.accounts.items()}
    assert {name: platform.protected(name) for name, _ in platform.configs()} == {
        "shared": True, "dev": False, "staging": True, "prod": True}
    assert platform.accounts == REGISTRY


def test_the_readme_registry_example_is_the_prod_entry():
    readme = (ROOT / "README.md").read_text()
    [block] = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.DOTALL) if "[accounts." in b]
    example = AccountRegistry.model_validate(tomllib.loads(block))
    assert example.accounts == {"333333333333": REGISTRY.accounts["333333333333"]}


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("dev", {"tier": "dev", "aws": {"account_id": "111111111111"}}, []),
    ("dev", {"tier": "prod", "aws": {"account_id": "111111111111"}}, []),  # a stricter tier is fine
    ("prod", {"tier": "dev", "aws": {"account_id": "333333333333"}}, ["tier"]),
    ("dev", {"tier": "dev", "aws": {"account_id": "333333333333"}}, ["aws.account_id"]),
    ("prod", {"tier": "prod", "aws": {"account_id": "333333333333"}, "plan_guard": {"protected": False}},
     ["plan_guard.protected"]),
    ("dev", {"tier": "dev", "aws": "not a table"}, []),  # wrong shapes are the schema's to report
    ("dev", {"tier": ["dev"], "aws": {"account_id": 111111111111}}, []),
])
def test_binding_findings_name_the_field(name, data, expected):
    assert [field for field, _, _ in binding_findings(name, data, REGISTRY, "accounts.toml")] == expected


def test_without_a_registry_only_the_implied_tiers_are_checked():
    assert [f for f, _, _ in binding_findings("prod", {"tier": "dev", "aws": {"account_id": "9" * 12}}, None, "x")] \
        == ["tier"]


def test_the_region_list_matches_the_partitions_aws_publishes():
    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    published = {partition["partition"]: set(partition["regions"]) for partition in endpoints["partitions"]}
    for partition, regions in REGIONS_BY_PARTITION.items():
        assert set(regions) == published[partition], f"update config/regions.py for {partition}"
    assert "eu-west-1" in KNOWN_REGIONS and "us-iso-east-1" not in KNOWN_REGIONS
