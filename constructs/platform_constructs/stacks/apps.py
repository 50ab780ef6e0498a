"""AppStack: one application of one environment, in its own state (``<env>-app-<name>``)."""

from __future__ import annotations

from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack, k8s
from platform_constructs.access.application_data_access import ApplicationDataAccess, DataEnvironment
from platform_constructs.compute.eks_props import CLUSTER_COMPONENT
from platform_constructs.compute.pod_identity import PodRole, ServiceAccountRef
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.ingress.application_entry import ApplicationEntry, EntryEnvironment
from platform_constructs.ingress.target_binding import TargetBinding
from platform_constructs.k8s.cluster_access import EksClusterAccess
from platform_constructs.k8s.image_policy import ImagePolicy
from platform_constructs.k8s.release_inputs import release_inputs
from platform_constructs.k8s.rolling_deployment import RollingDeployment
from platform_constructs.naming import Naming
from platform_constructs.observability.alarms.application import ApplicationAlarms
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesReader
from platform_constructs.policy.guard import apply_policy
from platform_constructs.stacks.common import aws_provider, role_variable, s3_backend
from platform_constructs.stacks.names import app_stack_name

#: Pod Security Admission level enforced in every application namespace.
POD_SECURITY_LEVEL = "restricted"


class AppStack(TerraformStack):
    """Everything of one application in one environment: the release unit.

    Its own state (``{key_prefix}/<env>-app-<name>.tfstate``) and so its own Terraform lock: a
    release or rollback of one application plans and applies only that application's resources,
    and two applications can roll back at the same time. Kept apart from the platform stack so a
    release never plans against the VPC, the cluster or the data stores; the cluster is looked up
    by its name (``{prefix}-{env}-eks``), never referenced.

    It holds the application's namespace (enforcing the ``restricted`` Pod Security Standard; an
    application owns its namespace, the configuration refuses two applications sharing one), the
    IAM role its pods assume through EKS Pod Identity, its :class:`ApplicationDataAccess` (the grants
    of its declared uses on that role, the endpoints ConfigMap, default-deny NetworkPolicies and, when it
    uses a store, the grant job in ``data-grants-<app>``), the variables ``image_<app>`` and
    ``change_cause_<app>``, and a :class:`RollingDeployment` with the tier's rollout preset. With
    ``[apps.<name>.ingress]`` also an :class:`ApplicationEntry` (HTTPS at its host; platform values
    read from SSM, never from the platform stack's state; on a shared load balancer, its own listener
    rule and certificate on the listener the platform stack publishes), whose target-health condition
    the pods wait for. Outputs ``<app>_image`` (the image in state after the apply),
    ``<app>_deployment`` and ``<app>_namespace`` tell the pipeline what runs and where to watch it;
    ``<app>_url``, ``<app>_host`` and the load balancer and target group ARN suffixes where it is reached.
    With ``[apps.<name>.monitoring] enabled`` (the tier's ``[monitoring.apps]``) also the application's
    :class:`ApplicationAlarms`, notifying the alarm topic the platform stack publishes in SSM.

    The kubernetes provider has no binary in this machine's provider mirror, so this stack cannot
    be ``terraform validate``-d here; tests validate its AWS part with Terraform and its
    Kubernetes objects against the Kubernetes OpenAPI schema.
    """

    def __init__(self, scope: Construct, env: EnvironmentConfig, app: str) -> None:
        super().__init__(scope, app_stack_name(env.name, app))
        self.env = env
        self.app = app
        self.workload = env.apps[app]
        s3_backend(self, env.state, env.state.region)
        role_arn = role_variable(self, env)
        aws_provider(self, env.aws, env.all_tags, role_arn=role_arn)
        apply_policy(self, env.policy, owner=env.name)
        self.naming = Naming(env.naming.prefix, env.name)

        self.cluster = EksClusterAccess(self, "Cluster", cluster_name=self.naming.name(CLUSTER_COMPONENT),
                                        region=env.aws.region, role_arn=role_arn)
        self.binding = TargetBinding.for_compute(env.eks.compute)
        self._platform: PlatformValuesReader | None = None
        self.namespace = self._create_namespace(self.workload.namespace_for(app))
        self.entry = self._create_entry() if self.workload.ingress is not None else None
        release = release_inputs(self, app, ImagePolicy(env.rollout.image_pinning, self.workload.image_repository))
        role = self._create_pod_role()
        data_environment = DataEnvironment(config=env, naming=self.naming, cluster_name=self.cluster.cluster_name,
                                           platform=self._platform_values())
        self.data = ApplicationDataAccess(self, f"Data{pascal_id(app)}", app=app,
                                          namespace=self.namespace.metadata.name, pod_role=role,
                                          environment=data_environment)
        entry = self.entry
        self.deployment = RollingDeployment(
            self, f"App{pascal_id(app)}", name=app, props=self.workload, rollout=env.rollout, release=release,
            namespace=self.namespace.metadata.name, cluster_name=self.cluster.cluster_name, pod_role_arn=role.arn,
            readiness_gates=[entry.readiness_gate] if entry else (),
            depends_on=[*([entry.binding] if entry else []), *role.resources, *self.data.prerequisites],
            env_from_config_maps=[self.data.config_map_name], template_annotations=self.data.annotations,
        )
        self.alarms = self._create_alarms()
        outputs = {**self.deployment.outputs, **(entry.outputs if entry else {})}
        for key, value in outputs.items():
            TerraformOutput(self, f"{app}_{key}", value=value, description=f"{key} of application {app}")

    def _create_alarms(self) -> ApplicationAlarms | None:
        """The application's alarm pack, notifying the environment's alarm topic (read from SSM)."""
        props = self.workload.monitoring
        if not props.enabled:
            return None
        entry = self.entry
        signals = self.workload.alarm_signals(
            self.naming, self.app, cluster_name=self.cluster.cluster_name,
            load_balancer=entry.load_balancer_arn_suffix if entry else None,
            target_group=entry.target_group_arn_suffix if entry else None)
        return ApplicationAlarms(self, f"Alarms{pascal_id(self.app)}", signals=signals, props=props,
                                 topic_arn=self._platform_values().get(table.ALARM_TOPIC_ARN),
                                 runbook=self.env.monitoring.runbook)

    def _create_namespace(self, name: str) -> k8s.namespace_v1.NamespaceV1:
        labels = {f"pod-security.kubernetes.io/{mode}": POD_SECURITY_LEVEL for mode in ("enforce", "audit", "warn")}
        if self.workload.ingress is not None:
            labels.update(self.binding.namespace_labels)
        return k8s.namespace_v1.NamespaceV1(self, f"Namespace{pascal_id(name)}",
                                            metadata={"name": name, "labels": labels})

    def _platform_values(self) -> PlatformValuesReader:
        """The platform values reader, created with the first value read (a stack reading none has none)."""
        if self._platform is None:
            self._platform = PlatformValuesReader(self, "Platform", naming=self.naming)
        return self._platform

    def _create_entry(self) -> ApplicationEntry:
        """The application's HTTPS entry, reading what the platform stack publishes (zones, VPC, load balancers)."""
        env = self.env
        environment = EntryEnvironment(
            naming=self.naming, dns=env.dns, ingress=env.ingress, rollout=env.rollout,
            cluster_name=self.cluster.cluster_name, binding=self.binding, platform=self._platform_values())
        return ApplicationEntry(self, f"Entry{pascal_id(self.app)}", app=self.app, workload=self.workload,
                                namespace=self.namespace.metadata.name, environment=environment)

    def _create_pod_role(self) -> PodRole:
        """The IAM role of the application's pods: only EKS Pod Identity may assume it, and only for the
        application's service account in its namespace on this cluster (the session tags Pod Identity sets).
        Its permissions are the grants of its declared uses plus ``pod_policy_arns``."""
        app, workload = self.app, self.workload
        subject = ServiceAccountRef(self.env.aws.account_id, self.cluster.cluster_name,
                                    workload.namespace_for(app), app)
        return PodRole(self, f"{pascal_id(app)}Pod", name=self.naming.name(f"{app}-pod"), subject=subject,
                       description=f"Pods of {app} on {self.cluster.cluster_name} (EKS Pod Identity)",
                       managed_policy_arns=workload.pod_policy_arns)
