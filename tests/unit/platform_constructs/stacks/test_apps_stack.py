"""The application stacks (<env>-app-<name>): one application each, rolled out with its tier's preset,
the cluster found by name, release variables, and the verification gates that can run here.

No Kubernetes API server and no kubernetes provider binary exist on this machine. The Kubernetes
objects are therefore rendered to manifests and validated against the upstream OpenAPI schema of
the cluster's Kubernetes version (kubernetes-validate, strict), and the AWS part of each stack
(pod roles, Pod Identity associations, the cluster lookup, variables) goes through the real
``terraform validate`` with the kubernetes resources stripped
(tests/integration/platform_constructs/stacks/test_apps_stack_aws_part.py).
"""

from __future__ import annotations

import copy
import json

import pytest
from k8smanifest import render, render_stack, validate
from kubernetes_validate import ValidationError as SchemaError
from tfjson import only, resources_of, strip_metadata

ENVIRONMENTS = ["dev", "staging", "prod"]


def apps(stack_json, env, app="api"):
    return strip_metadata(stack_json(f"{env}-app-{app}"))


def deployment_named(config, name):
    [found] = [d for d in resources_of(config, "kubernetes_deployment_v1").values() if d["metadata"]["name"] == name]
    return found


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_configured_app_rolls_out_with_its_tier_preset(platform, stack_json, env):
    settings = platform.environments[env]
    rollout = settings.rollout
    assert settings.apps, f"{env} deploys no application"
    for name in settings.apps:
        config = apps(stack_json, env, name)
        assert [d["metadata"]["name"] for d in resources_of(config, "kubernetes_deployment_v1").values()] == [name]
        spec = deployment_named(config, name)["spec"]
        assert spec["strategy"] == rollout.deployment_strategy.terraform()
        assert spec["min_ready_seconds"] == rollout.min_ready.to_seconds()
        assert spec["progress_deadline_seconds"] == rollout.progress_deadline.to_seconds()
        assert spec["revision_history_limit"] == rollout.revision_history_limit


def test_prod_api_is_zero_downtime(stack_json):
    config = apps(stack_json, "prod")
    deployment = deployment_named(config, "api")
    spec = deployment["spec"]
    assert spec["strategy"]["rolling_update"] == {"max_surge": "25%", "max_unavailable": "0"}
    assert spec["min_ready_seconds"] == 10
    assert spec["progress_deadline_seconds"] == 180  # below timeouts.update (10m): a stuck rollout fails the apply
    assert deployment["timeouts"]["update"] == "10m" and deployment["wait_for_rollout"] is True
    assert deployment["lifecycle"] == {"ignore_changes": ["spec[0].replicas"]}
    pod = spec["template"]["spec"]
    [container] = pod["container"]
    assert {"startup_probe", "readiness_probe", "liveness_probe"} <= set(container)
    assert container["lifecycle"]["pre_stop"][0]["exec"]["command"] == ["sleep", "10"]
    assert pod["termination_grace_period_seconds"] == 45
    assert pod["topology_spread_constraint"][0]["topology_key"] == "topology.kubernetes.io/zone"
    assert pod["topology_spread_constraint"][0]["match_label_keys"] == ["pod-template-hash"]
    assert container["security_context"]["read_only_root_filesystem"] is True
    assert container["security_context"]["capabilities"] == {"drop": ["ALL"]}
    assert container["resources"]["limits"] == {"cpu": "1", "memory": "512Mi"}
    assert only(config, "kubernetes_pod_disruption_budget_v1")["spec"]["max_unavailable"] == "1"
    hpa = only(config, "kubernetes_horizontal_pod_autoscaler_v2")["spec"]
    assert (hpa["min_replicas"], hpa["max_replicas"]) == (3, 12)


def test_dev_api_is_fast(stack_json):
    config = apps(stack_json, "dev")
    spec = deployment_named(config, "api")["spec"]
    assert spec["strategy"]["rolling_update"] == {"max_surge": "50%", "max_unavailable": "50%"}
    assert (spec["min_ready_seconds"], spec["replicas"]) == (0, "1")
    assert not resources_of(config, "kubernetes_horizontal_pod_autoscaler_v2")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_kubernetes_provider_uses_the_cluster_looked_up_by_name(platform, stack_json, env):
    config, settings = apps(stack_json, env), platform.environments[env]
    [(lookup_id, lookup)] = config["data"]["aws_eks_cluster"].items()
    assert lookup == {"name": f"acme-{env}-eks"}
    [provider] = config["provider"]["kubernetes"]
    assert provider["host"] == f"${{data.aws_eks_cluster.{lookup_id}.endpoint}}"
    assert provider["cluster_ca_certificate"] == (
        f"${{base64decode(data.aws_eks_cluster.{lookup_id}.certificate_authority[0].data)}}")
    [plugin] = provider["exec"]
    assert plugin["command"] == "aws"
    # the same role as the AWS provider: the deploy role, or the planner for a read-only plan
    assert plugin["args"] == ["eks", "get-token", "--cluster-name", f"acme-{env}-eks", "--region", "eu-west-1",
                              "--output", "json", "--role-arn", "${var.platform_role_arn}"]
    assert config["variable"]["platform_role_arn"]["default"] == settings.aws.deploy_role_arn
    assert "aws_eks_cluster" not in config["resource"] and "aws_eks_cluster_auth" not in config.get("data", {})
    assert "token" not in provider


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_release_inputs_are_variables_and_the_applied_image_is_an_output(stack_json, env):
    config = apps(stack_json, env)
    assert set(config["variable"]) == {"image_api", "change_cause_api", "platform_role_arn"}
    assert all("default" not in config["variable"][name] for name in ("image_api", "change_cause_api"))
    assert "Mutable tags are refused" in config["variable"]["image_api"]["validation"][0]["error_message"]
    [deployment_id] = resources_of(config, "kubernetes_deployment_v1")
    assert config["output"]["api_image"]["value"] == (
        f"${{kubernetes_deployment_v1.{deployment_id}.spec[0].template[0].spec[0].container[0].image}}")
    assert config["output"]["api_deployment"]["value"] == "api"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_pods_assume_their_role_only_through_pod_identity_of_this_cluster(platform, stack_json, env):
    config = apps(stack_json, env)
    role = resources_of(config, "aws_iam_role")["ApiPodRole"]
    assert role["name"] == f"acme-{env}-api-pod"
    [statement] = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {"StringEquals": {
        "aws:SourceAccount": platform.environments[env].aws.account_id,
        "aws:RequestTag/eks-cluster-name": f"acme-{env}-eks",
        "aws:RequestTag/kubernetes-namespace": "api",
        "aws:RequestTag/kubernetes-service-account": "api"}}
    assert resources_of(config, "aws_iam_role_policy_attachments_exclusive")["ApiPodPolicies"]["policy_arns"] == []
    namespace = resources_of(config, "kubernetes_namespace_v1")["NamespaceApi"]["metadata"]
    assert namespace["name"] == "api"
    assert namespace["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_manifests_validate_against_the_clusters_kubernetes_schema(platform, stack_json, env):
    version = platform.environments[env].eks.kubernetes_version
    manifests = render_stack(apps(stack_json, env), version)
    expected = {"Namespace", "ServiceAccount", "Service", "Deployment", "PodDisruptionBudget", "ConfigMap",
                "NetworkPolicy", "Job"}
    if platform.environments[env].apps["api"].autoscaling is not None:
        expected.add("HorizontalPodAutoscaler")
    assert {manifest["kind"] for manifest in manifests.values()} == expected
    for manifest in manifests.values():
        validate(manifest, version)


def test_rendering_follows_the_providers_conversions(platform, stack_json):
    version = platform.environments["prod"].eks.kubernetes_version
    [body] = resources_of(apps(stack_json, "prod"), "kubernetes_deployment_v1").values()
    manifest = render("kubernetes_deployment_v1", body, version)
    spec = manifest["spec"]
    assert spec["replicas"] == 3                                        # string in Terraform, integer in the API
    assert spec["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": 0}
    [container] = spec["template"]["spec"]["containers"]                # container → containers
    assert container["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "10"]  # one-block list → object
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    zone = spec["template"]["spec"]["topologySpreadConstraints"][0]
    assert zone["labelSelector"] == {"matchLabels": {"app.kubernetes.io/name": "api"}}
    assert "wait_for_rollout" not in manifest and "timeouts" not in manifest


@pytest.mark.parametrize(("mutate", "complaint"), [
    (lambda spec: spec["template"]["spec"]["container"][0].update(readiness_probe_x={}), "readinessProbeX"),
    (lambda spec: spec.update(min_ready_seconds="ten"), "'ten' is not of type"),
    (lambda spec: spec["template"]["spec"]["container"][0].pop("name"), "'name' is a required property"),
    (lambda spec: spec["template"]["spec"]["topology_spread_constraint"][0].pop("topology_key"),
     "'topologyKey' is a required"),
])
def test_the_schema_gate_fails_on_a_broken_deployment(platform, stack_json, mutate, complaint):
    version = platform.environments["prod"].eks.kubernetes_version
    [body] = resources_of(apps(stack_json, "prod"), "kubernetes_deployment_v1").values()
    broken = copy.deepcopy(body)
    mutate(broken["spec"])
    with pytest.raises(SchemaError) as caught:
        validate(render("kubernetes_deployment_v1", broken, version), version)
    assert complaint in str(caught.value)


def test_an_application_stack_holds_one_application_and_does_not_change_when_another_is_added(platform, tmp_path):
    """The release unit: adding (or changing) application B leaves A's stack byte for byte the same,
    and B's stack holds only B's objects, in its own state."""
    from platform_constructs._internal.tf import Testing
    from platform_constructs.k8s.workload_props import WorkloadProps
    from platform_constructs.stacks.apps import AppStack

    dev = platform.environments["dev"]
    worker = WorkloadProps.model_validate({
        "image_repository": "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker",
        "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"}, "replicas": 1})
    with_worker = dev.model_copy(update={"apps": {**dev.apps, "worker": worker}})

    def synth(env, app, outdir):
        return strip_metadata(json.loads(Testing.synth(AppStack(Testing.app(outdir=str(tmp_path / outdir)), env, app))))

    assert synth(dev, "api", "alone") == synth(with_worker, "api", "with-worker")
    stack = synth(with_worker, "worker", "worker")
    assert stack["terraform"]["backend"]["s3"]["key"] == "platform/dev/dev-app-worker.tfstate"
    assert set(stack["variable"]) == {"image_worker", "change_cause_worker", "platform_role_arn"}
    names = {body["metadata"]["name"] for kind, items in stack["resource"].items() if kind.startswith("kubernetes_")
             for body in items.values()}
    # its namespace, workload, endpoints ConfigMap and network policies; no grant job: it uses no store
    assert names == {"worker", "worker-data", "worker-default-deny", "worker-egress"}
    assert only(stack, "aws_iam_role")["name"] == "acme-dev-worker-pod"
