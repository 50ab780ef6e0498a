"""The [eks] section: tier presets, prod/staging floors, staging parity and cross-field rules via the loader."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.compute.eks_props import ALL_CONTROL_PLANE_LOG_TYPES
from platform_constructs.config import load_platform
from platform_constructs.config.presets import Floor
from platform_constructs.errors import ConfigError


@pytest.mark.parametrize(("env", "selection", "log_types", "insights", "protected"), [
    ("dev", "latest", ("audit",), False, False),
    ("staging", "default", ALL_CONTROL_PLANE_LOG_TYPES, True, True),
    ("prod", "default", ALL_CONTROL_PLANE_LOG_TYPES, True, True),
])
def test_tier_presets(platform, env, selection, log_types, insights, protected):
    eks = platform.environments[env].eks
    assert (eks.compute, eks.effective_node_pools, eks.system_node_group) == (
        "auto-mode", ("general-purpose", "system"), None)
    assert "metrics-server" in eks.addons  # every tier autoscales: the HPA needs a metrics source
    assert eks.addon_version_selection == selection
    assert eks.control_plane_log_types == log_types
    assert (eks.container_insights, eks.deletion_protection) == (insights, protected)
    assert eks.endpoint_public_access is False
    assert eks.problems() == []


def test_staging_and_prod_run_the_same_kubernetes_version(platform):
    envs = platform.environments
    assert envs["staging"].eks.kubernetes_version == envs["prod"].eks.kubernetes_version


def test_access_roles_come_from_the_environment_files(platform):
    assert sorted(platform.environments) == ["dev", "prod", "staging"]
    for env in platform.environments.values():
        assert env.eks.admin_roles == ("platform-admin", "platform-deployer")
        assert env.eks.deployer_roles == {"api-team": ("api",)}


def test_dev_may_open_a_cidr_restricted_public_endpoint(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "eks.endpoint_public_access", True)
    set_value(directory, "dev.toml", "eks.public_access_cidrs", ["203.0.113.0/24"])
    eks = load_platform(directory).environments["dev"].eks
    assert (eks.endpoint_public_access, eks.public_access_cidrs) == (True, ("203.0.113.0/24",))


def test_a_team_may_switch_to_managed_node_groups_and_staging_may_differ_in_their_sizes(tmp_path):
    directory = copy_environments(tmp_path)
    for file, size in (("staging.toml", 8), ("prod.toml", 6)):
        set_value(directory, file, "eks.compute", "node-groups")
        set_value(directory, file, "eks.system_node_group", {"instance_types": ["m7i.large"], "max_size": size})
    envs = load_platform(directory).environments
    assert envs["staging"].eks.system_node_group.max_size == 8
    assert envs["prod"].eks.addons[:3] == ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")


# (file, edit, field, fragment of the message)
BAD_EKS_CONFIG = [
    ("prod.toml", ("eks.endpoint_public_access", True), "eks.endpoint_public_access", "must be false in tier prod"),
    ("staging.toml", ("eks.endpoint_public_access", True), "eks.endpoint_public_access",
     "must be false in tier staging"),
    ("prod.toml", ("eks.control_plane_log_types", ["api", "audit"]), "eks.control_plane_log_types",
     'must be a list including ["api", "audit", "authenticator", "controllerManager", "scheduler"] in tier prod'),
    ("prod.toml", ("eks.deletion_protection", False), "eks.deletion_protection", "must be true in tier prod"),
    ("staging.toml", ("eks.container_insights", False), "eks.container_insights", "must be true in tier staging"),
    ("staging.toml", ("eks.kubernetes_version", "1.35"), "eks.kubernetes_version", 'differs from prod ("1.34")'),
    ("staging.toml", ("eks.addon_version_selection", "latest"), "eks.addon_version_selection",
     'differs from prod ("default")'),
    ("dev.toml", ("eks.kubernetes_version", "1.35.1"), "eks.kubernetes_version", "major.minor, no patch"),
    ("dev.toml", ("eks.node_groups.batch", {"max_unavailable_percentage": 50}),
     "eks.node_groups.batch.max_unavailable_percentage", "must be at most 33"),
    ("dev.toml", ("eks.node_groups.batch", {"min_size": 1, "max_size": 3, "desired_size": 5}),
     "eks.node_groups.batch.desired_size", "5 must lie between min_size (1) and max_size (3)"),
    ("dev.toml", ("eks.node_groups.batch", {"capacity_type": "SPOT", "instance_types": ["t3.large"]}),
     "eks.node_groups.batch.instance_types", "SPOT needs at least 2"),
    ("dev.toml", ("eks.node_groups.batch", {"instance_types": ["t4g.large", "t3.large"]}),
     "eks.node_groups.batch.instance_types[0]", "t4g.large is an arm64 (Graviton) type"),
    ("dev.toml", ("eks.system_node_group", {"min_size": 1}), "eks.system_node_group",
     "applies only to compute = 'node-groups'"),
    ("dev.toml", ("eks.addon_versions", {"coredns": "v1.11.4-eksbuild.10"}), "eks.addon_versions.coredns",
     "pins an add-on this cluster does not install"),
    ("dev.toml", ("eks.addon_versions", {"metrics-server": "latest"}), "eks.addon_versions.metrics-server",
     "should match pattern"),
    ("dev.toml", ("eks.endpoint_public_access", True), "eks.public_access_cidrs", "at least one source range"),
    ("dev.toml", ("eks.public_access_cidrs", ["203.0.113.0/24"]), "eks.public_access_cidrs",
     "endpoint_public_access is false"),
    ("dev.toml", ("eks.deployer_roles.api-team", []), "eks.deployer_roles.api-team", "lists no namespace"),
    ("dev.toml", ("eks.admin_roles", ["platform-admin"]), "eks.admin_roles",
     'must include the deploy role "platform-deployer"'),
    ("dev.toml", ("eks.node_groups.system", {"min_size": 1}), "eks.node_groups.system", "reserved"),
    ("dev.toml", ("eks.control_plane_log_types", ["audit", "kubelet"]), "eks.control_plane_log_types.1",
     '"controllerManager"'),
    ("dev.toml", ("eks.node_groups.batch", {"spot": True}), "eks.node_groups.batch.spot",
     "unknown key; allowed keys here"),
]


@pytest.mark.parametrize(("file", "edit", "field", "fragment"), BAD_EKS_CONFIG, ids=[c[2] for c in BAD_EKS_CONFIG])
def test_bad_eks_config_is_refused_naming_file_field_and_value(tmp_path, file, edit, field, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, file, *edit)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    matching = [problem for problem in raised.value.problems if problem.field == field]
    assert matching, str(raised.value)
    assert any(fragment in problem.message and problem.file.endswith(file) for problem in matching), str(raised.value)


def test_rule_findings_carry_the_offending_value(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "eks.node_groups.batch", {"instance_types": ["t4g.large", "t3.large"]})
    with pytest.raises(ConfigError, match=r'eks.node_groups.batch.instance_types\[0\] = "t4g.large": '):
        load_platform(directory)


@pytest.mark.parametrize(("value", "violated"), [
    (("api", "audit", "scheduler"), False),
    (("scheduler", "audit", "api", "extra"), False),
    (("api",), True),
    ((), True),
])
def test_includes_floor_needs_every_listed_item(value, violated):
    assert Floor("prod", "eks.control_plane_log_types", "includes", ["api", "audit", "scheduler"]).violated_by(value) \
        is violated
