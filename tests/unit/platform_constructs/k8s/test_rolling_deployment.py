"""RollingDeployment: synthesized Kubernetes resources per props and preset, and refused inputs."""

from __future__ import annotations

import pytest
from tfjson import only, resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.k8s.image_policy import ImagePolicy
from platform_constructs.k8s.probes import ProbeAction
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.workload_props import WorkloadProps

REPOSITORY = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"
ROLE = "arn:aws:iam::333333333333:role/acme-prod-api-pod"


def props(**overrides) -> WorkloadProps:
    return WorkloadProps.model_validate({"image_repository": REPOSITORY, "readiness": {"http_get": "/ready"},
                                         "liveness": {"http_get": "/healthz"}, **overrides})


def build(workload: WorkloadProps | None = None, rollout: RolloutProps | None = None, name: str = "api"):
    def builder(stack):
        from platform_constructs._internal.tf import k8s
        from platform_constructs.k8s.release_inputs import release_inputs
        from platform_constructs.k8s.rolling_deployment import RollingDeployment

        k8s.provider.KubernetesProvider(stack, "kubernetes")
        preset = rollout or RolloutProps()
        RollingDeployment(stack, "App", name=name, props=workload or props(), rollout=preset,
                          release=release_inputs(stack, "api", ImagePolicy(preset.image_pinning, REPOSITORY)),
                          namespace="team-api", cluster_name="acme-prod-eks", pod_role_arn=ROLE)
    return builder


def pod_spec(config):
    return only(config, "kubernetes_deployment_v1")["spec"]["template"]["spec"]


def test_default_preset_is_zero_downtime(synth_stack):
    config = synth_stack(build())
    deployment = only(config, "kubernetes_deployment_v1")
    spec = deployment["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rolling_update": {"max_surge": "25%", "max_unavailable": "0"}}
    assert (spec["min_ready_seconds"], spec["progress_deadline_seconds"], spec["revision_history_limit"]) == \
        (10, 180, 10)
    assert spec["replicas"] == "2"
    assert deployment["wait_for_rollout"] is True
    assert deployment["timeouts"] == {"create": "10m", "update": "10m"}
    assert deployment["metadata"]["annotations"] == {"kubernetes.io/change-cause": "${var.change_cause_api}"}
    assert "lifecycle" not in deployment
    pod = spec["template"]["spec"]
    assert pod["termination_grace_period_seconds"] == 45
    assert [c["topology_key"] for c in pod["topology_spread_constraint"]] == ["topology.kubernetes.io/zone",
                                                                             "kubernetes.io/hostname"]
    zone = pod["topology_spread_constraint"][0]
    assert (zone["when_unsatisfiable"], zone["max_skew"], zone["match_label_keys"]) == ("DoNotSchedule", 1,
                                                                                        ["pod-template-hash"])
    [container] = pod["container"]
    assert container["lifecycle"] == {"pre_stop": [{"exec": {"command": ["sleep", "10"]}}]}
    assert {probe: container[probe]["http_get"]["path"] for probe in ("startup_probe", "readiness_probe",
                                                                      "liveness_probe")} == {
        "startup_probe": "/healthz", "readiness_probe": "/ready", "liveness_probe": "/healthz"}
    assert (container["startup_probe"]["period_seconds"], container["startup_probe"]["failure_threshold"]) == (5, 12)
    assert only(config, "kubernetes_pod_disruption_budget_v1")["spec"]["max_unavailable"] == "1"
    assert not resources_of(config, "kubernetes_horizontal_pod_autoscaler_v2")


def test_containers_are_locked_down(synth_stack):
    pod = pod_spec(synth_stack(build()))
    [container] = pod["container"]
    assert container["security_context"] == {
        "allow_privilege_escalation": False, "privileged": False, "read_only_root_filesystem": True,
        "run_as_non_root": True, "capabilities": {"drop": ["ALL"]}, "seccomp_profile": {"type": "RuntimeDefault"}}
    assert pod["security_context"]["run_as_non_root"] is True and pod["security_context"]["run_as_user"] == "10001"
    assert pod["automount_service_account_token"] is False
    assert container["resources"] == {"requests": {"cpu": "100m", "memory": "128Mi"},
                                      "limits": {"cpu": "500m", "memory": "256Mi"}}
    assert container["volume_mount"] == [{"name": "tmp", "mount_path": "/tmp"}]


def test_image_comes_from_the_validated_variable_and_is_an_output(synth_stack):
    config = synth_stack(build())
    [container] = pod_spec(config)["container"]
    assert container["image"] == "${local.image_api_parts.repository}@${local.image_api_parts.version}"
    # a digest keeps Kubernetes' IfNotPresent default; nothing per build is in the JSON
    assert "image_pull_policy" not in container
    assert set(config["variable"]) == {"image_api", "change_cause_api"}


def test_tag_pinning_always_pulls(synth_stack):
    [container] = pod_spec(synth_stack(build(rollout=RolloutProps(image_pinning="tag"))))["container"]
    assert container["image"] == "${local.image_api_parts.repository}:${local.image_api_parts.version}"
    assert container["image_pull_policy"] == "Always"


def test_autoscaler_owns_the_replica_count(synth_stack):
    config = synth_stack(build(props(autoscaling={"min_replicas": 3, "max_replicas": 8, "target_cpu_utilization": 60})))
    deployment = only(config, "kubernetes_deployment_v1")
    assert deployment["spec"]["replicas"] == "3"
    assert deployment["lifecycle"] == {"ignore_changes": ["spec[0].replicas"]}
    hpa = only(config, "kubernetes_horizontal_pod_autoscaler_v2")["spec"]
    assert (hpa["min_replicas"], hpa["max_replicas"]) == (3, 8)
    assert hpa["scale_target_ref"] == {"api_version": "apps/v1", "kind": "Deployment", "name": "api"}
    assert hpa["metric"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "average_utilization": 60}}}]


def test_service_account_pod_identity_and_ordering(synth_stack):
    config = synth_stack(build())
    account = only(config, "kubernetes_service_account_v1")
    assert account["automount_service_account_token"] is False
    assert account["metadata"]["name"] == "api" and account["metadata"]["namespace"] == "team-api"
    association = only(config, "aws_eks_pod_identity_association")
    assert association == {"cluster_name": "acme-prod-eks", "namespace": "team-api", "service_account": "api",
                           "role_arn": ROLE}
    deployment = only(config, "kubernetes_deployment_v1")
    assert pod_spec(config)["service_account_name"] == "api"
    assert sorted(deployment["depends_on"]) == sorted([
        f"aws_eks_pod_identity_association.{next(iter(resources_of(config, 'aws_eks_pod_identity_association')))}",
        f"kubernetes_service_account_v1.{next(iter(resources_of(config, 'kubernetes_service_account_v1')))}"])
    service = only(config, "kubernetes_service_v1")["spec"]
    assert service["port"] == [{"name": "http", "port": 80, "target_port": "http", "protocol": "TCP"}]
    assert service["selector"] == {"app.kubernetes.io/name": "api"}


def test_fast_preset_drops_what_zero_downtime_adds(synth_stack):
    rollout = RolloutProps(strategy="Recreate", zero_downtime=False, min_ready="0s", pre_stop_sleep="0s",
                           disruption_budget=None, zone_spread=None)
    config = synth_stack(build(props(replicas=1), rollout))
    spec = only(config, "kubernetes_deployment_v1")["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    assert "topology_spread_constraint" not in spec["template"]["spec"]
    assert "lifecycle" not in spec["template"]["spec"]["container"][0]
    assert not resources_of(config, "kubernetes_pod_disruption_budget_v1")


def test_probe_actions_render_per_kind(synth_stack):
    workload = props(readiness=ProbeAction.tcp(9000), liveness=ProbeAction.exec(["/bin/health"]),
                     startup=ProbeAction.http("/started", 9090), port=8443)
    [container] = pod_spec(synth_stack(build(workload)))["container"]
    assert container["readiness_probe"]["tcp_socket"] == [{"port": "9000"}]
    assert container["liveness_probe"]["exec"] == {"command": ["/bin/health"]}
    assert container["startup_probe"]["http_get"] == {"path": "/started", "port": "9090"}
    assert container["port"] == [{"name": "http", "container_port": 8443, "protocol": "TCP"}]


@pytest.mark.parametrize(("name", "workload", "rollout", "field", "message"), [
    ("API", props(), RolloutProps(), "name", "must be a DNS label"),
    ("a" * 33, props(), RolloutProps(), "name", "must be a DNS label"),
    ("api", props(replicas=1), RolloutProps(), "replicas", "must be at least 2 with rollout.zero_downtime"),
    ("api", props(autoscaling={"min_replicas": 2, "max_replicas": 11}), RolloutProps(), "autoscaling.max_replicas",
     "exceeds rollout.max_replicas (10)"),
])
def test_bad_inputs_are_refused_naming_the_field(synth_stack, name, workload, rollout, field, message):
    with pytest.raises(ConstructValidationError) as caught:
        synth_stack(build(workload, rollout, name))
    assert caught.value.field == field
    assert message in caught.value.message
    assert caught.value.path == "test/App"


def test_a_bad_name_and_a_workload_outside_the_preset_are_reported_together(synth_stack):
    with pytest.raises(ConstructValidationError) as caught:
        synth_stack(build(props(replicas=1), RolloutProps(), "API"))
    assert [(problem.code, problem.field, problem.value) for problem in caught.value.problems] == [
        ("k8s.app-name", "name", "API"), ("k8s.single-replica", "replicas", 1)]
