"""RollingDeployment: one application on EKS, rolled out with zero downtime where its tier demands it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from platform_constructs._internal.structs import struct
from platform_constructs._internal.tf import Construct, TerraformResource, TerraformResourceLifecycle, aws, k8s
from platform_constructs.errors import Problem, refuse
from platform_constructs.k8s.release_inputs import ReleaseInputs
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.workload_props import WorkloadProps, workload_problems

_APP_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$")
#: Unprivileged user and group the containers run as (no image may rely on root).
RUN_AS_ID = "10001"
#: The Service's port; it forwards to the container port named ``http``.
SERVICE_PORT = 80
#: Writable scratch space, since the root filesystem is read-only.
TMP_SIZE_LIMIT = "64Mi"


class RollingDeployment(Construct):
    """A Deployment, its Service, ServiceAccount (with an EKS Pod Identity association), disruption budget and
    autoscaler.

    ``env_from_config_maps`` become the container's environment (e.g. the endpoints of its data stores,
    :class:`~platform_constructs.access.application_data_access.ApplicationDataAccess`), and
    ``template_annotations`` annotate its pods. ``readiness_gates`` are extra pod conditions a pod needs before
    it counts as Ready – with an HTTPS entry, its target being healthy in the load balancer
    (:class:`~platform_constructs.ingress.application_entry.ApplicationEntry`), so a rollout never removes an old
    pod before a new one takes traffic. ``depends_on`` orders the Deployment after what its pods need (the
    entry's TargetGroupBinding).

    Everything that decides how a release rolls out comes from ``rollout`` (the tier preset): the
    strategy, ``minReadySeconds``, the progress deadline below Terraform's update timeout (so a
    stuck rollout fails the apply), the revision history kept for ``kubectl rollout undo``, probe
    timing, the preStop drain, the disruption budget and the zone spread. The workload supplies
    the image repository, port, health endpoints, sizes and pod permissions. Containers always run
    as a non-root user with a read-only root filesystem, no privilege escalation and every
    capability dropped.

    The image and the change cause are expressions from :func:`~platform_constructs.k8s.release_inputs.release_inputs`,
    so the synthesized JSON is the same for every build. With autoscaling the HorizontalPodAutoscaler
    owns ``replicas`` and Terraform ignores changes to it.

    The kubernetes provider has no binary in this machine's provider mirror, so the stacks holding
    this construct cannot be ``terraform validate``-d here: the manifests are rendered and checked
    against the Kubernetes OpenAPI schema instead (:mod:`platform_constructs.k8s.manifests`).

    Example::

        release = release_inputs(stack, "api", ImagePolicy("digest", props.image_repository))
        RollingDeployment(stack, "AppApi", name="api", props=props, rollout=env.rollout, release=release,
                          namespace="api", cluster_name="acme-prod-eks", pod_role_arn=role.arn)
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        props: WorkloadProps,
        rollout: RolloutProps,
        release: ReleaseInputs,
        namespace: str,
        cluster_name: str,
        pod_role_arn: str,
        readiness_gates: Sequence[str] = (),
        depends_on: Sequence[TerraformResource] = (),
        env_from_config_maps: Sequence[str] = (),
        template_annotations: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # validate
        self._validate(name, props, rollout)
        # resolve defaults
        self.name = name
        self.namespace = namespace
        self._props = props
        self._rollout = rollout
        self._readiness_gates = tuple(readiness_gates)
        self._env_from = tuple(env_from_config_maps)
        self._template_annotations = dict(template_annotations or {})
        self._selector = {"app.kubernetes.io/name": name}
        self._labels = {**self._selector, "app.kubernetes.io/managed-by": "terraform"}

        # create resources
        self.service_account = k8s.service_account_v1.ServiceAccountV1(
            self, "ServiceAccount", metadata=self._metadata(), automount_service_account_token=False,
        )
        pod_identity = aws.eks_pod_identity_association.EksPodIdentityAssociation(
            self, "PodIdentity", cluster_name=cluster_name, namespace=namespace, service_account=name,
            role_arn=pod_role_arn,
        )
        self.deployment = k8s.deployment_v1.DeploymentV1(
            self, "Deployment",
            metadata=self._metadata(annotations={"kubernetes.io/change-cause": release.change_cause}),
            spec=struct(k8s.deployment_v1.DeploymentV1Spec, self._deployment_spec(release.image)),
            wait_for_rollout=True,
            timeouts={"create": str(rollout.update_timeout), "update": str(rollout.update_timeout)},
            lifecycle=TerraformResourceLifecycle(ignore_changes=["spec[0].replicas"]) if props.autoscaling else None,
            # pods get AWS credentials only if the association exists when they are created
            depends_on=[self.service_account, pod_identity, *depends_on],
        )
        k8s.service_v1.ServiceV1(self, "Service", metadata=self._metadata(), spec=struct(k8s.service_v1.ServiceV1Spec, {
            "type": "ClusterIP", "selector": self._selector,
            "port": [{"name": "http", "port": SERVICE_PORT, "target_port": "http", "protocol": "TCP"}],
        }))
        if rollout.disruption_budget is not None:
            budget = {"max_unavailable": str(rollout.disruption_budget), "selector": {"match_labels": self._selector}}
            k8s.pod_disruption_budget_v1.PodDisruptionBudgetV1(self, "DisruptionBudget", metadata=self._metadata(),
                                                               spec=budget)
        if props.autoscaling is not None:
            hpa = k8s.horizontal_pod_autoscaler_v2
            scaling = struct(hpa.HorizontalPodAutoscalerV2Spec, {
                "min_replicas": props.autoscaling.min_replicas, "max_replicas": props.autoscaling.max_replicas,
                "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": name},
                "metric": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                    "type": "Utilization", "average_utilization": props.autoscaling.target_cpu_utilization}}}],
            })
            hpa.HorizontalPodAutoscalerV2(self, "Autoscaler", metadata=self._metadata(), spec=scaling)

        # expose attributes (one jsii call; walking spec.template.spec.container.get(0) takes five)
        self.image: str = self.deployment.get_string_attribute("spec[0].template[0].spec[0].container[0].image")

    @property
    def outputs(self) -> dict[str, object]:
        """What the pipeline needs: the applied image (from state) and where to watch the rollout."""
        return {"image": self.image, "deployment": self.name, "namespace": self.namespace}

    def _validate(self, name: str, props: WorkloadProps, rollout: RolloutProps) -> None:
        problems = workload_problems(props, max_replicas=rollout.max_replicas, zero_downtime=rollout.zero_downtime)
        if not _APP_NAME.match(name):
            problems.insert(0, Problem("k8s.app-name", "name", name, f"{name!r} must be a DNS label of at most 32 "
                                       "lower-case letters, digits and dashes, starting with a letter"))
        refuse(problems, self.node.path)

    def _metadata(self, annotations: dict[str, str] | None = None) -> dict[str, Any]:
        metadata: dict[str, Any] = {"name": self.name, "namespace": self.namespace, "labels": self._labels}
        if annotations:
            metadata["annotations"] = annotations
        return metadata

    def _deployment_spec(self, image: str) -> dict[str, Any]:
        rollout = self._rollout
        return {
            "replicas": str(self._props.fewest_replicas),
            "selector": {"match_labels": self._selector},
            "strategy": rollout.deployment_strategy.terraform(),
            "min_ready_seconds": rollout.min_ready.to_seconds(),
            "progress_deadline_seconds": rollout.progress_deadline.to_seconds(),
            "revision_history_limit": rollout.revision_history_limit,
            "template": {"metadata": self._template_metadata(), "spec": self._pod_spec(image)},
        }

    def _template_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {"labels": self._labels}
        if self._template_annotations:
            # e.g. a checksum of the pods' settings: a changed value rolls the pods, which read it only at start
            metadata["annotations"] = self._template_annotations
        return metadata

    def _pod_spec(self, image: str) -> dict[str, Any]:
        rollout = self._rollout
        spec: dict[str, Any] = {
            "service_account_name": self.name,
            # EKS Pod Identity mounts its own projected token; the API token is not needed
            "automount_service_account_token": False,
            "termination_grace_period_seconds": rollout.termination_grace_period.to_seconds(),
            "security_context": {"run_as_non_root": True, "run_as_user": RUN_AS_ID, "run_as_group": RUN_AS_ID,
                                 "fs_group": RUN_AS_ID, "seccomp_profile": {"type": "RuntimeDefault"}},
            "container": [self._container(image)],
            "volume": [{"name": "tmp", "empty_dir": {"size_limit": TMP_SIZE_LIMIT}}],
        }
        if self._readiness_gates:
            # Ready only once each condition is true, e.g. the pod's target is healthy in the load balancer
            spec["readiness_gate"] = [{"condition_type": gate} for gate in self._readiness_gates]
        if rollout.zone_spread is not None:
            spec["topology_spread_constraint"] = [
                self._spread("topology.kubernetes.io/zone", rollout.zone_spread),
                # nodes within a zone: best effort, so a single node drain never takes most pods
                self._spread("kubernetes.io/hostname", "ScheduleAnyway"),
            ]
        return spec

    def _spread(self, topology_key: str, when_unsatisfiable: str) -> dict[str, Any]:
        # match_label_keys: skew is computed per ReplicaSet, so old pods do not skew a rollout (KEP-3243)
        return {"max_skew": 1, "topology_key": topology_key, "when_unsatisfiable": when_unsatisfiable,
                "label_selector": [{"match_labels": self._selector}], "match_label_keys": ["pod-template-hash"]}

    def _container(self, image: str) -> dict[str, Any]:
        props, rollout = self._props, self._rollout
        container: dict[str, Any] = {
            "name": self.name,
            "image": image,
            "port": [{"name": "http", "container_port": props.port, "protocol": "TCP"}],
            "startup_probe": {**props.startup_check.terraform(props.port), **rollout.startup_probe.terraform()},
            "readiness_probe": {**props.readiness.terraform(props.port), **rollout.readiness_probe.terraform()},
            "liveness_probe": {**props.liveness.terraform(props.port), **rollout.liveness_probe.terraform()},
            "resources": {"requests": props.resources.requests.terraform(),
                          "limits": props.resources.limits.terraform()},
            "security_context": {"allow_privilege_escalation": False, "privileged": False,
                                 "read_only_root_filesystem": True, "run_as_non_root": True,
                                 "capabilities": {"drop": ["ALL"]}, "seccomp_profile": {"type": "RuntimeDefault"}},
            "volume_mount": [{"name": "tmp", "mount_path": "/tmp"}],  # noqa: S108 - the pod's own emptyDir
        }
        if self._env_from:
            container["env_from"] = [{"config_map_ref": {"name": name}} for name in self._env_from]
        if rollout.image_pinning == "tag":
            # a tag may be re-pointed, so always ask the registry; a digest keeps Kubernetes' default
            # (IfNotPresent): its content never changes, so a cached copy is as good as a pull
            container["image_pull_policy"] = "Always"
        if rollout.pre_stop_sleep.to_seconds():
            # the provider's pre_stop has no native sleep action: the image needs a sleep binary
            sleep = ["sleep", str(rollout.pre_stop_sleep.to_seconds())]
            container["lifecycle"] = {"pre_stop": [{"exec": {"command": sleep}}]}
        return container
