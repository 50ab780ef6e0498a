"""EksCluster construct: synthesized resources per props, dependency order, access, add-ons, identities."""

from __future__ import annotations

import json

import pytest
from tfjson import only, resources_of

from platform_constructs.compute.eks_props import EksProps
from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings

LOG_KEY = "arn:aws:kms:eu-west-1:111111111111:key/logs"
SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
BEFORE_NODES = {"vpc-cni", "kube-proxy", "eks-pod-identity-agent"}
AFTER_NODES = {"coredns", "aws-ebs-csi-driver", "metrics-server"}
INSIGHTS = "amazon-cloudwatch-observability"
#: Managed node groups instead of Auto Mode: the classic add-ons and a system node group.
NODE_GROUPS = {"compute": "node-groups", "system_node_group": {}}
PARTITION = "${data.aws_partition.Partition.partition}"


def build_cluster(props: EksProps | None = None, *, then=None, **kwargs):
    def build(stack):
        from platform_constructs.compute.eks_cluster import EksCluster

        cluster = EksCluster(stack, "Eks", props=props or EksProps(**kwargs), naming=Naming("acme", "test"),
                             subnet_ids=SUBNETS, logs=LogSettings(retention_days=90, kms_key_arn=LOG_KEY))
        if then is not None:
            then(stack, cluster)
    return build


def ref(config, resource_type, fragment):
    """``resource_type.<logical name>`` of the one resource of that type whose name contains ``fragment``."""
    [name] = [name for name in resources_of(config, resource_type) if fragment in name]
    return f"{resource_type}.{name}"


def addons(config):
    return {addon["addon_name"]: addon for addon in resources_of(config, "aws_eks_addon").values()}


def test_cluster_is_private_api_authenticated_and_encrypted(synth_stack):
    config = synth_stack(build_cluster())
    cluster = only(config, "aws_eks_cluster")
    assert cluster["name"] == "acme-test-eks"
    assert cluster["version"] == "1.34"
    assert cluster["access_config"] == {"authentication_mode": "API",
                                        "bootstrap_cluster_creator_admin_permissions": False}
    assert cluster["vpc_config"] == {"subnet_ids": SUBNETS, "endpoint_private_access": True,
                                     "endpoint_public_access": False}
    assert cluster["bootstrap_self_managed_addons"] is False
    assert cluster["encryption_config"]["resources"] == ["secrets"]
    key = ref(config, "aws_kms_key", "SecretsKey")
    assert cluster["encryption_config"]["provider"]["key_arn"] == f"${{{key}.arn}}"
    assert only(config, "aws_kms_key")["enable_key_rotation"] is True
    assert cluster["upgrade_policy"] == {"support_type": "STANDARD"}
    assert cluster["zonal_shift_config"] == {"enabled": True}


def test_cluster_role_may_use_only_the_secrets_key(synth_stack):
    config = synth_stack(build_cluster())
    [policy] = [p for p in resources_of(config, "aws_iam_role_policy").values()
                if p["name"] == "encrypt-kubernetes-secrets"]
    statement = json.loads(policy["policy"])["Statement"][0]
    assert statement["Resource"] == f"${{{ref(config, 'aws_kms_key', 'SecretsKey')}.arn}}"
    assert "kms:*" not in statement["Action"]


def test_a_given_key_replaces_the_created_one(synth_stack):
    def build(stack):
        from platform_constructs.compute.eks_cluster import EksCluster
        from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

        key = KmsKey(stack, "SharedKey", props=KmsKeyProps(alias="acme-test-shared", description="shared"))
        EksCluster(stack, "Eks", props=EksProps(), naming=Naming("acme", "test"), subnet_ids=SUBNETS,
                   logs=LogSettings(retention_days=90, kms_key_arn=LOG_KEY), kms_key=key)

    config = synth_stack(build)
    assert len(resources_of(config, "aws_kms_key")) == 1
    assert "SharedKey" in only(config, "aws_eks_cluster")["encryption_config"]["provider"]["key_arn"]


@pytest.mark.parametrize("protected", [True, False])
def test_deletion_protection_becomes_prevent_destroy(synth_stack, protected):
    cluster = only(synth_stack(build_cluster(deletion_protection=protected)), "aws_eks_cluster")
    assert cluster["lifecycle"] == {"prevent_destroy": protected}


def test_public_endpoint_is_restricted_to_the_given_ranges(synth_stack):
    config = synth_stack(build_cluster(endpoint_public_access=True, public_access_cidrs=("203.0.113.0/24",)))
    vpc_config = only(config, "aws_eks_cluster")["vpc_config"]
    assert (vpc_config["endpoint_public_access"], vpc_config["public_access_cidrs"]) == (True, ["203.0.113.0/24"])
    assert vpc_config["endpoint_private_access"] is True


def test_control_plane_logs_go_to_the_eks_log_group_created_first(synth_stack):
    config = synth_stack(build_cluster(control_plane_log_types=("audit", "api"), container_insights=False))
    log_group = only(config, "aws_cloudwatch_log_group")
    assert (log_group["name"], log_group["retention_in_days"], log_group["kms_key_id"]) == (
        "/aws/eks/acme-test-eks/cluster", 90, LOG_KEY)
    cluster = only(config, "aws_eks_cluster")
    assert cluster["enabled_cluster_log_types"] == ["audit", "api"]
    assert ref(config, "aws_cloudwatch_log_group", "ControlPlane") in cluster["depends_on"]


def test_without_log_types_there_is_no_log_group(synth_stack):
    config = synth_stack(build_cluster(control_plane_log_types=(), container_insights=False))
    assert not resources_of(config, "aws_cloudwatch_log_group")
    assert only(config, "aws_eks_cluster")["enabled_cluster_log_types"] == []


def test_admins_get_cluster_admin_and_deployers_edit_in_their_namespaces(synth_stack):
    config = synth_stack(build_cluster(admin_roles=("platform-admin",), deployer_roles={"ci": ("api", "web")}))
    entries = {entry["principal_arn"].rsplit("/", 1)[1]: entry
               for entry in resources_of(config, "aws_eks_access_entry").values()}
    assert set(entries) == {"platform-admin", "ci"}
    assert all(entry["type"] == "STANDARD" for entry in entries.values())
    assert entries["ci"]["principal_arn"] == \
        "arn:${data.aws_partition.Partition.partition}:iam::${data.aws_caller_identity.CallerIdentity.account_id}:role/ci"
    policies = {p["policy_arn"].rsplit("/", 1)[1]: p
                for p in resources_of(config, "aws_eks_access_policy_association").values()}
    assert policies["AmazonEKSClusterAdminPolicy"]["access_scope"] == {"type": "cluster"}
    assert policies["AmazonEKSEditPolicy"]["access_scope"] == {"type": "namespace", "namespaces": ["api", "web"]}
    admin_entry = ref(config, "aws_eks_access_entry", "PlatformAdmin")
    assert policies["AmazonEKSClusterAdminPolicy"]["principal_arn"] == f"${{{admin_entry}.principal_arn}}"


def test_no_roles_no_access_entries(synth_stack):
    config = synth_stack(build_cluster())
    assert not resources_of(config, "aws_eks_access_entry")
    assert not resources_of(config, "aws_eks_config_map") and "kubernetes" not in config.get("provider", {})


def test_addons_are_ordered_around_the_node_groups(synth_stack):
    config = synth_stack(build_cluster(EksProps.model_validate({**NODE_GROUPS, "container_insights": False})))
    found = addons(config)
    assert set(found) == BEFORE_NODES | AFTER_NODES
    node_group = ref(config, "aws_eks_node_group", "SystemNodeGroup")
    for name in BEFORE_NODES:
        assert node_group not in found[name].get("depends_on", [])
    depends = only(config, "aws_eks_node_group")["depends_on"]
    before = {ref(config, "aws_eks_addon", name) for name in ("AddonVpcCni", "AddonKubeProxy",
                                                              "AddonEksPodIdentityAgent")}
    assert before <= set(depends)
    for name in AFTER_NODES:
        assert node_group in found[name]["depends_on"]
    assert all(a["resolve_conflicts_on_create"] == a["resolve_conflicts_on_update"] == "OVERWRITE"
               for a in found.values())


def test_ebs_csi_driver_gets_its_permissions_through_pod_identity(synth_stack):
    config = synth_stack(build_cluster(EksProps.model_validate({**NODE_GROUPS, "container_insights": False})))
    addon = addons(config)["aws-ebs-csi-driver"]
    role = ref(config, "aws_iam_role", "EbsCsiRole")
    assert addon["pod_identity_association"] == [{"service_account": "ebs-csi-controller-sa",
                                                  "role_arn": f"${{{role}.arn}}"}]
    assert ref(config, "aws_eks_addon", "AddonEksPodIdentityAgent") in addon["depends_on"]
    trust = json.loads(resources_of(config, "aws_iam_role")[role.split(".")[1]]["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    scope = trust["Condition"]["StringEquals"]
    assert (scope["aws:RequestTag/kubernetes-namespace"], scope["aws:RequestTag/kubernetes-service-account"]) == (
        "kube-system", "ebs-csi-controller-sa")
    assert scope["aws:RequestTag/eks-cluster-name"] == "acme-test-eks"
    attached = {a["policy_arn"] for a in resources_of(config, "aws_iam_role_policy_attachment").values()
                if a["role"] == f"${{{role}.name}}"}
    assert attached == {"arn:${data.aws_partition.Partition.partition}:iam::aws:policy/"
                        "service-role/AmazonEBSCSIDriverPolicy"}


def test_container_insights_addon_writes_to_precreated_log_groups(synth_stack):
    config = synth_stack(build_cluster(container_insights=True, control_plane_log_types=()))
    addon = addons(config)[INSIGHTS]
    assert addon["pod_identity_association"][0]["service_account"] == "cloudwatch-agent"
    groups = dict(resources_of(config, "aws_cloudwatch_log_group").items())
    assert sorted(group["name"] for group in groups.values()) == [
        f"/aws/containerinsights/acme-test-eks/{kind}" for kind in ("application", "dataplane", "host", "performance")]
    assert all(group["retention_in_days"] == 90 and group["kms_key_id"] == LOG_KEY for group in groups.values())
    assert {f"aws_cloudwatch_log_group.{name}" for name in groups} <= set(addon["depends_on"])


def test_container_insights_off_installs_nothing_for_it(synth_stack):
    config = synth_stack(build_cluster(container_insights=False, control_plane_log_types=()))
    assert INSIGHTS not in addons(config)
    assert not resources_of(config, "aws_cloudwatch_log_group")


@pytest.mark.parametrize(("compute", "policies"), [
    ({}, {"AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"}),
    (NODE_GROUPS, {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"}),
])
def test_node_role_is_named_by_convention_and_has_no_inline_rights(synth_stack, compute, policies):
    config = synth_stack(build_cluster(EksProps.model_validate(compute)))
    role = resources_of(config, "aws_iam_role")[ref(config, "aws_iam_role", "NodeRole").split(".")[1]]
    assert role["name"] == "acme-test-eks-node"
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = {a["policy_arn"].rsplit("/", 1)[1]
                for a in resources_of(config, "aws_iam_role_policy_attachment").values() if "NodeRole" in a["role"]}
    assert attached == policies
    assert not resources_of(config, "aws_iam_role_policy") or all(
        "NodeRole" not in p["role"] for p in resources_of(config, "aws_iam_role_policy").values())


def test_auto_mode_runs_nodes_storage_and_load_balancing_with_the_cluster_role(synth_stack):
    config = synth_stack(build_cluster())
    cluster = only(config, "aws_eks_cluster")
    node_role = ref(config, "aws_iam_role", "NodeRole")
    assert cluster["compute_config"] == {"enabled": True, "node_pools": ["general-purpose", "system"],
                                         "node_role_arn": f"${{{node_role}.arn}}"}
    assert cluster["kubernetes_network_config"] == {"elastic_load_balancing": {"enabled": True}}
    assert cluster["storage_config"] == {"block_storage": {"enabled": True}}
    assert cluster["bootstrap_self_managed_addons"] is False
    assert not resources_of(config, "aws_eks_node_group")
    cluster_role = ref(config, "aws_iam_role", "ClusterRole")
    trust = json.loads(resources_of(config, "aws_iam_role")[cluster_role.split(".")[1]]["assume_role_policy"])
    assert trust["Statement"][0]["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    attached = {a["policy_arn"].rsplit("/", 1)[1]
                for a in resources_of(config, "aws_iam_role_policy_attachment").values()
                if a["role"] == f"${{{cluster_role}.name}}"}
    assert attached == {"AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy",
                        "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"}
    # the node role can launch nodes the moment the cluster exists
    node_policies = {f"aws_iam_role_policy_attachment.{name}" for name, a in
                     resources_of(config, "aws_iam_role_policy_attachment").items() if "NodeRole" in a["role"]}
    assert node_policies and node_policies <= set(cluster["depends_on"])


def test_auto_mode_installs_only_the_metrics_source_and_insights(synth_stack):
    config = synth_stack(build_cluster(container_insights=True, control_plane_log_types=()))
    assert set(addons(config)) == {"metrics-server", INSIGHTS}
    assert "depends_on" not in addons(config)["metrics-server"]


@pytest.mark.parametrize(("selection", "most_recent"), [("default", False), ("latest", True)])
def test_unpinned_addon_versions_follow_the_configured_kubernetes_version(synth_stack, selection, most_recent):
    config = synth_stack(build_cluster(container_insights=False, kubernetes_version="1.33",
                                       addon_version_selection=selection))
    [(lookup_id, lookup)] = config["data"]["aws_eks_addon_version"].items()
    assert lookup == {"addon_name": "metrics-server", "kubernetes_version": "1.33", "most_recent": most_recent}
    assert addons(config)["metrics-server"]["addon_version"] == f"${{data.aws_eks_addon_version.{lookup_id}.version}}"


def test_a_pinned_addon_version_is_used_as_it_is(synth_stack):
    config = synth_stack(build_cluster(container_insights=True, control_plane_log_types=(),
                                       addon_versions={"metrics-server": "v0.7.2-eksbuild.3"}))
    assert addons(config)["metrics-server"]["addon_version"] == "v0.7.2-eksbuild.3"
    assert [lookup["addon_name"] for lookup in config["data"]["aws_eks_addon_version"].values()] == [INSIGHTS]


def test_attributes_and_outputs_reference_the_cluster(synth_stack):
    seen = {}

    def expose(stack, cluster):
        from platform_constructs._internal.tf import TerraformOutput

        seen.update(name=cluster.cluster_name, version=cluster.kubernetes_version)
        for key, value in cluster.outputs.items():
            TerraformOutput(stack, key, value=value)

    config = synth_stack(build_cluster(then=expose))
    cluster = ref(config, "aws_eks_cluster", "Cluster")
    assert seen == {"name": "acme-test-eks", "version": "1.34"}
    outputs = {key: value["value"] for key, value in config["output"].items()}
    assert outputs["security_group_id"] == f"${{{cluster}.vpc_config[0].cluster_security_group_id}}"
    assert outputs["cluster_name"] == f"${{{cluster}.name}}"
    assert outputs["node_role_arn"] == f"${{{ref(config, 'aws_iam_role', 'NodeRole')}.arn}}"
    assert set(outputs) == {"cluster_name", "cluster_arn", "endpoint", "kubernetes_version", "security_group_id",
                            "node_role_arn", "secrets_kms_key_arn"}


def test_data_stores_can_allow_traffic_from_the_cluster(synth_stack):
    def wire(stack, cluster):
        from platform_constructs._internal.tf import aws
        from platform_constructs.security.connections import allow_tcp_from

        group = aws.security_group.SecurityGroup(stack, "DatabaseGroup", name="db", vpc_id="vpc-1")
        allow_tcp_from(stack, target_security_group_id=group.id, source=cluster, port=5432, description="from EKS")

    config = synth_stack(build_cluster(then=wire))
    rule = only(config, "aws_vpc_security_group_ingress_rule")
    cluster = ref(config, "aws_eks_cluster", "Cluster")
    assert rule["referenced_security_group_id"] == f"${{{cluster}.vpc_config[0].cluster_security_group_id}}"
    assert "AllowFromEksPort5432" in next(iter(resources_of(config, "aws_vpc_security_group_ingress_rule")))


@pytest.mark.parametrize("compute", [{}, NODE_GROUPS], ids=["auto-mode", "node-groups"])
def test_pod_identity_association_for_a_workload(synth_stack, compute):
    def associate(stack, cluster):
        cluster.add_pod_identity_association("ApiIdentity", namespace="api", service_account="api",
                                             role_arn="arn:aws:iam::111111111111:role/api")

    config = synth_stack(build_cluster(EksProps.model_validate(compute), then=associate))
    association = only(config, "aws_eks_pod_identity_association")
    assert (association["namespace"], association["service_account"], association["role_arn"]) == (
        "api", "api", "arn:aws:iam::111111111111:role/api")
    assert association["cluster_name"] == f"${{{ref(config, 'aws_eks_cluster', 'Cluster')}.name}}"
    if compute:  # the agent is an add-on only with node groups; Auto Mode has it built in
        assert association["depends_on"] == [ref(config, "aws_eks_addon", "AddonEksPodIdentityAgent")]
    else:
        assert "depends_on" not in association


@pytest.mark.parametrize(("namespace", "service_account", "field", "fragment"), [
    ("Api", "api", "namespace", "'Api' is not a Kubernetes namespace name"),
    ("api", "api_sa", "service_account", "'api_sa' is not a Kubernetes service account name"),
    ("a" * 64, "api", "namespace", "not a Kubernetes namespace name"),
    ("api", "api", "service_account", "api/api already has a Pod Identity association"),
])
def test_bad_pod_identity_associations_are_refused(synth_stack, namespace, service_account, field, fragment):
    def associate(stack, cluster):
        cluster.add_pod_identity_association("First", namespace="api", service_account="api", role_arn="arn:r")
        cluster.add_pod_identity_association("Second", namespace=namespace, service_account=service_account,
                                             role_arn="arn:r")

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_cluster(then=associate))
    assert (raised.value.field, raised.value.path) == (field, "test/Eks")
    assert fragment in str(raised.value)


@pytest.mark.parametrize(("props", "field", "fragment"), [
    (EksProps(endpoint_public_access=True), "public_access_cidrs", "at least one source range"),
    (EksProps.model_validate({**NODE_GROUPS, "system_node_group": {"min_size": 2, "max_size": 4, "desired_size": 9}}),
     "system_node_group.desired_size", "9 must lie between"),
    (EksProps.model_validate({"system_node_group": {}}), "system_node_group",
     "applies only to compute = 'node-groups'"),
    (EksProps(compute="node-groups"), "system_node_group", "is required with compute = 'node-groups'"),
    (EksProps(addon_versions={"coredns": "v1.11.4-eksbuild.10"}), "addon_versions.coredns",
     "pins an add-on this cluster does not install"),
    (EksProps.model_validate({"node_groups": {"batch": {"capacity_type": "SPOT", "instance_types": ["c7i.large"]}}}),
     "node_groups.batch.instance_types", "SPOT needs at least 2"),
])
def test_invalid_props_fail_before_any_resource_at_the_construct_path(synth_stack, props, field, fragment):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_cluster(props))
    assert (raised.value.field, raised.value.path) == (field, "test/Eks")
    assert fragment in str(raised.value)


def test_subnets_are_required(synth_stack):
    def build(stack):
        from platform_constructs.compute.eks_cluster import EksCluster

        EksCluster(stack, "Eks", props=EksProps(), naming=Naming("acme", "test"), subnet_ids=[],
                   logs=LogSettings(retention_days=90, kms_key_arn=LOG_KEY))

    with pytest.raises(ConstructValidationError,
                       match=r"\[test/Eks\] subnet_ids = \[\]: is empty; give the private subnets \(eks.subnets\)"):
        synth_stack(build)


def test_props_problems_and_missing_subnets_are_reported_together(synth_stack):
    def build(stack):
        from platform_constructs.compute.eks_cluster import EksCluster

        EksCluster(stack, "Eks", props=EksProps(endpoint_public_access=True, admin_roles=("ops", "ops")),
                   naming=Naming("acme", "test"), subnet_ids=[],
                   logs=LogSettings(retention_days=90, kms_key_arn=LOG_KEY))

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build)
    assert [(problem.code, problem.field) for problem in raised.value.problems] == [
        ("eks.public-endpoint", "public_access_cidrs"), ("eks.duplicate", "admin_roles"), ("eks.subnets", "subnet_ids")]
    assert raised.value.path == "test/Eks"


def test_every_bad_pod_identity_argument_is_reported(synth_stack):
    def associate(stack, cluster):
        cluster.add_pod_identity_association("Only", namespace="Api", service_account="api_sa", role_arn="arn:r")

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_cluster(then=associate))
    assert [(problem.field, problem.value) for problem in raised.value.problems] == [
        ("namespace", "Api"), ("service_account", "api_sa")]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_tier_presets_synthesize_their_shape(synth_stack, platform, env):
    """Property test over the repository's tier presets: what dev and prod actually deploy."""
    eks = platform.environments[env].eks
    config = synth_stack(build_cluster(eks))
    cluster = only(config, "aws_eks_cluster")
    assert cluster["version"] == eks.kubernetes_version
    assert cluster["lifecycle"]["prevent_destroy"] is (env == "prod")
    assert cluster["vpc_config"]["endpoint_public_access"] is False
    assert set(cluster["enabled_cluster_log_types"]) == (
        {"api", "audit", "authenticator", "controllerManager", "scheduler"} if env == "prod" else {"audit"})
    assert cluster["compute_config"]["enabled"] is True  # every tier: nodes follow pending pods
    assert not resources_of(config, "aws_eks_node_group")
    assert set(addons(config)) == ({"metrics-server", INSIGHTS} if env == "prod" else {"metrics-server"})
    lookups = config["data"]["aws_eks_addon_version"].values()
    assert lookups and all(lookup["kubernetes_version"] == eks.kubernetes_version for lookup in lookups)
    assert all(lookup["most_recent"] is (env == "dev") for lookup in lookups)
