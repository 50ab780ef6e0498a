"""Stack names and owners without cdktf, and the facts the synth selection and its cache rely on."""

from __future__ import annotations

import inspect
import json
import typing

import pytest

from platform_constructs.config.loader import Platform
from platform_constructs.config.schema import EnvironmentConfig, SharedConfig
from platform_constructs.dns.dns_props import Delegation
from platform_constructs.stacks.names import stack_owners
from platform_constructs.stacks.platform import CiReach


def test_every_stack_has_one_owner(platform):
    assert stack_owners(platform) == {
        "bootstrap": "shared", "shared": "shared", "dev": "dev", "dev-cluster-config": "dev", "dev-app-api": "dev",
        "prod": "prod", "prod-cluster-config": "prod", "prod-app-api": "prod",
        "staging": "staging", "staging-cluster-config": "staging", "staging-app-api": "staging"}


def test_an_owner_s_stacks_are_exactly_what_the_app_builds_for_it(platform, tmp_path):
    from platform_constructs.app import build_app

    owners = stack_owners(platform)
    full = build_app(platform, tmp_path / "all")
    assert sorted(child.node.id for child in full.node.children) == sorted(owners)
    for owner in sorted(set(owners.values())):
        app = build_app(platform, tmp_path / owner, [owner])
        assert sorted(child.node.id for child in app.node.children) == sorted(
            name for name, of in owners.items() if of == owner)


@pytest.mark.parametrize(("module", "stack_class", "reads"), [
    ("platform_constructs.stacks.platform", "PlatformStack", [EnvironmentConfig, Delegation | None, CiReach | None]),
    ("platform_constructs.stacks.apps", "AppStack", [EnvironmentConfig, str]),
    ("platform_constructs.stacks.cluster_config", "ClusterConfigStack", [EnvironmentConfig]),
    ("platform_constructs.stacks.bootstrap", "BootstrapStack", [Platform]),
    ("platform_constructs.stacks.shared", "SharedStack", [Platform]),
])
def test_each_stack_is_built_from_what_its_cache_key_covers(module, stack_class, reads):
    """An environment's stacks are given its EnvironmentConfig (an application's stack also the application's
    name; the platform stack the delegation of its zone and what the CI needs, both built from shared.toml
    alone), so their cache key leaves the other environments' files out; bootstrap and shared are given the
    whole Platform (every file)."""
    cls = getattr(__import__(module, fromlist=[stack_class]), stack_class)
    parameters = list(inspect.signature(cls.__init__).parameters)[2:]
    hints = typing.get_type_hints(cls.__init__)
    assert [hints[name] for name in parameters] == reads


def test_the_delegation_is_built_from_shared_toml_alone(platform):
    """shared.toml is in every environment's cache key; the other environments' files are not: the delegation is a
    method of SharedConfig taking nothing but the environment's name."""
    parameters = list(inspect.signature(SharedConfig.delegation_for).parameters)
    assert parameters == ["self", "environment"]
    assert typing.get_type_hints(SharedConfig.delegation_for)["environment"] is str
    shared = platform.shared
    assert shared.parent_zone is not None
    assert shared.delegation_for("dev") == Delegation(
        parent_domain=shared.parent_zone.domain, account_id=shared.aws.account_id, region=shared.aws.region,
        role_name=f"{shared.naming.prefix}-shared-dns-delegation-dev")
    assert shared.model_copy(update={"parent_zone": None}).delegation_for("dev") is None


def test_what_the_platform_stack_gets_for_ci_comes_from_shared_toml_alone():
    """shared.toml is in every environment's cache key; the other environments' files are not."""
    parameters = list(inspect.signature(CiReach.of).parameters)
    assert parameters == ["shared"]
    # the platform stack names SharedConfig for type checkers only where schema imports it
    assert typing.get_type_hints(CiReach.of, localns={"SharedConfig": SharedConfig})["shared"] is SharedConfig


def test_no_stack_reads_another_stack_s_output(synth_dir):
    """What lets one environment be synthesized alone: no cross-stack references, no remote state."""
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    assert manifest["stacks"]
    for name, entry in manifest["stacks"].items():
        assert entry["dependencies"] == [], name
        document = json.loads((synth_dir / entry["synthesizedStackPath"]).read_text())
        assert "terraform_remote_state" not in document.get("data", {}), name
