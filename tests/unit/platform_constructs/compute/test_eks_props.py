"""EKS props: malformed values refused by type, cross-field rules reported with their field path."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from platform_constructs.compute.eks_props import EksProps, NodeGroupProps, is_graviton


def test_defaults_are_the_secure_production_shape():
    props = EksProps()
    assert props.problems() == []
    assert (props.endpoint_public_access, props.deletion_protection, props.container_insights) == (False, True, True)
    assert props.control_plane_log_types == ("api", "audit", "authenticator", "controllerManager", "scheduler")
    assert (props.compute, props.effective_node_pools) == ("auto-mode", ("general-purpose", "system"))
    assert props.addons == ("metrics-server", "amazon-cloudwatch-observability")
    group = NodeGroupProps()
    assert (group.capacity_type, group.min_size, group.max_unavailable_percentage) == ("ON_DEMAND", 3, 33)
    assert group.desired_size_owner == "autoscaler"


def test_node_groups_bring_the_classic_addons_in_creation_order():
    props = EksProps(compute="node-groups", system_node_group=NodeGroupProps(), container_insights=False)
    assert props.problems() == []
    assert props.effective_node_pools == ()
    assert props.addons == ("vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver",
                            "metrics-server")


def test_initial_size_defaults_to_min_size():
    assert NodeGroupProps(min_size=2, max_size=5).initial_size == 2
    assert NodeGroupProps(min_size=2, max_size=5, desired_size=4).initial_size == 4


# (model, field values, error location, fragment of the message)
MALFORMED = [
    (EksProps, {"kubernetes_version": "1.34.2"}, ("kubernetes_version",), "major.minor, no patch"),
    (EksProps, {"kubernetes_version": "v1.34"}, ("kubernetes_version",), "Kubernetes minor version"),
    (EksProps, {"kubernetes_version": 1.34}, ("kubernetes_version",), "valid string"),
    (EksProps, {"support_type": "LTS"}, ("support_type",), "'STANDARD' or 'EXTENDED'"),
    (EksProps, {"control_plane_log_types": ("everything",)}, ("control_plane_log_types", 0), "'api'"),
    (EksProps, {"public_access_cidrs": ("10.0.0.1/8",)}, ("public_access_cidrs", 0), "host bits set"),
    (EksProps, {"admin_roles": ("platform admin",)}, ("admin_roles", 0), "should match pattern"),
    (EksProps, {"deployer_roles": {"deployer": ("Apps",)}}, ("deployer_roles", "deployer", 0), "should match pattern"),
    (EksProps, {"node_groups": {"Batch": {}}}, ("node_groups", "Batch", "[key]"), "should match pattern"),
    (EksProps, {"endpoint_public_access": "yes"}, ("endpoint_public_access",), "valid boolean"),
    (NodeGroupProps, {"max_unavailable_percentage": 0}, ("max_unavailable_percentage",), "greater than or equal to 1"),
    (NodeGroupProps, {"max_unavailable_percentage": 34}, ("max_unavailable_percentage",), "less than or equal to 33"),
    (NodeGroupProps, {"capacity_type": "RESERVED"}, ("capacity_type",), "'ON_DEMAND' or 'SPOT'"),
    (NodeGroupProps, {"ami_type": "AL2_x86_64"}, ("ami_type",), "AL2023_x86_64_STANDARD"),
    (NodeGroupProps, {"instance_types": ()}, ("instance_types",), "must list at least one instance type"),
    (NodeGroupProps, {"instance_types": ("large",)}, ("instance_types", 0), "should match pattern"),
    (NodeGroupProps, {"min_size": -1}, ("min_size",), "greater than or equal to 0"),
    (NodeGroupProps, {"max_size": 0}, ("max_size",), "greater than or equal to 1"),
    (NodeGroupProps, {"min_size": "3"}, ("min_size",), "valid integer"),
    (NodeGroupProps, {"root_volume_size_gib": 8}, ("root_volume_size_gib",), "greater than or equal to 20"),
    (NodeGroupProps, {"desired_size_owner": "karpenter"}, ("desired_size_owner",), "'autoscaler' or 'terraform'"),
    (NodeGroupProps, {"labels": {"-bad": "x"}}, ("labels", "-bad", "[key]"), "should match pattern"),
    (EksProps, {"compute": "fargate"}, ("compute",), "'auto-mode' or 'node-groups'"),
    (EksProps, {"node_pools": ("gpu",)}, ("node_pools", 0), "'general-purpose' or 'system'"),
    (EksProps, {"addon_versions": {"metrics-server": "0.7.2"}}, ("addon_versions", "metrics-server"),
     "should match pattern"),
    (EksProps, {"addon_versions": {"istio": "v1.0.0-eksbuild.1"}}, ("addon_versions", "istio", "[key]"), "'vpc-cni'"),
    (EksProps, {"addon_version_selection": "newest"}, ("addon_version_selection",), "'default' or 'latest'"),
]


@pytest.mark.parametrize(("model", "values", "location", "fragment"), MALFORMED,
                         ids=[".".join(map(str, case[2])) for case in MALFORMED])
def test_malformed_values_are_refused_at_their_field(model, values, location, fragment):
    with pytest.raises(ValidationError) as raised:
        model(**values)
    [error] = raised.value.errors()
    assert error["loc"] == location
    assert fragment in str(raised.value)


SPOT_ONE_TYPE = {"capacity_type": "SPOT", "instance_types": ("t3.large",)}
NODE_GROUPS = {"compute": "node-groups"}

# (EksProps values, field named by the problem, fragment of the message, rule code)
INCONSISTENT = [
    ({"endpoint_public_access": True}, "public_access_cidrs", "at least one source range", "eks.public-endpoint"),
    ({"public_access_cidrs": ("203.0.113.0/24",)}, "public_access_cidrs", "endpoint_public_access is false",
     "eks.public-endpoint"),
    ({"endpoint_public_access": True, "public_access_cidrs": ("198.51.100.0/24", "0.0.0.0/0")},
     "public_access_cidrs[1]", "0.0.0.0/0 opens the API endpoint to 4,294,967,296 addresses", "eks.public-endpoint"),
    ({"endpoint_public_access": True, "public_access_cidrs": ("10.0.0.0/7",)}, "public_access_cidrs[0]",
     "at most a /8", "eks.public-endpoint"),
    ({"control_plane_log_types": ("api", "api")}, "control_plane_log_types", "lists a type twice", "eks.duplicate"),
    ({"admin_roles": ("admin", "admin")}, "admin_roles", "lists a role twice", "eks.duplicate"),
    ({"admin_roles": ("ops",), "deployer_roles": {"ops": ("apps",)}}, "deployer_roles.ops", "also in admin_roles",
     "eks.access"),
    ({"deployer_roles": {"ci": ()}}, "deployer_roles.ci", "lists no namespace", "eks.access"),
    ({"node_groups": {"system": {}}}, "node_groups.system", "reserved for system_node_group", "eks.node-group-name"),
    ({**NODE_GROUPS, "system_node_group": {"min_size": 0}}, "system_node_group.min_size", "CoreDNS has nowhere to run",
     "eks.node-sizes"),
    ({**NODE_GROUPS, "system_node_group": {"min_size": 4, "max_size": 3}}, "system_node_group.min_size",
     "4 is greater than max_size (3)", "eks.node-sizes"),
    ({**NODE_GROUPS, "system_node_group": {"min_size": 1, "max_size": 3, "desired_size": 5}},
     "system_node_group.desired_size",
     "5 must lie between min_size (1) and max_size (3)", "eks.node-sizes"),
    ({**NODE_GROUPS, "system_node_group": SPOT_ONE_TYPE}, "system_node_group.instance_types", "SPOT needs at least 2",
     "eks.spot-diversity"),
    ({"node_groups": {"batch": SPOT_ONE_TYPE}}, "node_groups.batch.instance_types", "SPOT needs at least 2",
     "eks.spot-diversity"),
    ({**NODE_GROUPS, "system_node_group": {"instance_types": ("m7i.large", "m7i.large")}},
     "system_node_group.instance_types",
     "lists a type twice", "eks.duplicate"),
    ({**NODE_GROUPS, "system_node_group": {"instance_types": ("m7i.large", "m7g.large")}},
     "system_node_group.instance_types[1]",
     "m7g.large is an arm64 (Graviton) type but ami_type is AL2023_x86_64_STANDARD", "eks.architecture"),
    ({**NODE_GROUPS, "system_node_group": {"instance_types": ("c7i.large",), "ami_type": "AL2023_ARM_64_STANDARD"}},
     "system_node_group.instance_types[0]", "c7i.large is an x86_64 type", "eks.architecture"),
]


@pytest.mark.parametrize(("values", "field", "fragment", "code"), INCONSISTENT, ids=[case[1] for case in INCONSISTENT])
def test_cross_field_problems_name_their_field(values, field, fragment, code):
    problems = EksProps.model_validate(values).problems(prefix="eks.")
    matching = [problem for problem in problems if problem.field == f"eks.{field}"]
    assert matching, [str(problem) for problem in problems]
    assert any(fragment in problem.message and problem.code == code for problem in matching), \
        [str(problem) for problem in matching]


def test_every_problem_is_reported_not_only_the_first():
    props = EksProps.model_validate({"endpoint_public_access": True, "admin_roles": ("a", "a"), **NODE_GROUPS,
                                     "system_node_group": {"min_size": 5, "max_size": 3}})
    assert {problem.field for problem in props.problems()} == {
        "public_access_cidrs", "admin_roles", "system_node_group.min_size"}


@given(st.integers(0, 50), st.integers(1, 50), st.integers(0, 60))
def test_sizes_are_accepted_exactly_when_min_le_desired_le_max(min_size, max_size, desired):
    group = NodeGroupProps(min_size=min_size, max_size=max_size, desired_size=desired)
    fields = {problem.field for problem in group.problems()}
    assert ("min_size" in fields) == (min_size > max_size)
    assert ("desired_size" in fields) == (not min_size <= desired <= max_size)


@pytest.mark.parametrize(("instance_type", "graviton"), [
    ("m7g.large", True), ("c6gn.xlarge", True), ("r8g.2xlarge", True), ("t4g.medium", True), ("is4gen.large", True),
    ("m7i.large", False), ("t3a.large", False), ("g5.xlarge", False), ("c5n.large", False), ("inf2.xlarge", False),
])
def test_graviton_families_are_recognised(instance_type, graviton):
    assert is_graviton(instance_type) is graviton


def test_props_are_immutable():
    with pytest.raises(ValidationError, match="frozen"):
        EksProps().kubernetes_version = "1.35"  # type: ignore[misc]
