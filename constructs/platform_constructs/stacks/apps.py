"""AppsStack: the Kubernetes workloads of one environment (``<env>-apps``)."""

from __future__ import annotations

from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack, k8s
from platform_constructs.access.application_data_access import ApplicationDataAccess, DataEnvironment
from platform_constructs.access.network_policies import ClusterNetworkPolicyEnforcement
from platform_constructs.compute.eks_props import CLUSTER_COMPONENT
from platform_constructs.compute.pod_identity import PodRole, ServiceAccountRef
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.ingress.application_entry import ApplicationEntry, EntryEnvironment
from platform_constructs.ingress.target_binding import TargetBinding
from platform_constructs.k8s.cluster_access import EksClusterAccess
from platform_constructs.k8s.image_policy import ImagePolicy
from platform_constructs.k8s.release_inputs import release_inputs
from platform_constructs.k8s.rolling_deployment import RollingDeployment
from platform_constructs.k8s.workload_props import WorkloadProps
from platform_constructs.naming import Naming
from platform_constructs.parameters.platform_values import PlatformValuesReader
from platform_constructs.policy.guard import apply_policy
from platform_constructs.stacks.common import aws_provider, s3_backend
from platform_constructs.stacks.names import apps_stack_name

#: Pod Security Admission level enforced in every application namespace.
POD_SECURITY_LEVEL = "restricted"


class AppsStack(TerraformStack):
    """Workloads deployed onto the environment's EKS cluster, in their own state.

    Kept apart from the platform stack so an application release never plans against the
    VPC, the cluster or the databases. The cluster is looked up by its name
    (``{prefix}-{env}-eks``), never referenced.

    Per application (``env.apps``): a namespace enforcing the ``restricted`` Pod Security
    Standard, an IAM role its pods assume through EKS Pod Identity, the variables
    ``image_<app>`` and ``change_cause_<app>`` and a :class:`RollingDeployment` with the tier's
    rollout preset. With ``[apps.<name>.ingress]`` also an :class:`ApplicationEntry` (HTTPS at its
    host; platform values read from SSM, never from the platform stack's state), whose target-health
    condition the pods wait for. Outputs ``<app>_image`` (the image in state after the apply),
    ``<app>_deployment`` and ``<app>_namespace`` tell the pipeline what runs and where to watch it;
    ``<app>_url``, ``<app>_host`` and the load balancer and target group ARN suffixes where it is reached.

    The kubernetes provider has no binary in this machine's provider mirror, so this stack cannot
    be ``terraform validate``-d here; tests validate its AWS part with Terraform and its
    Kubernetes objects against the Kubernetes OpenAPI schema.
    """

    def __init__(self, scope: Construct, env: EnvironmentConfig) -> None:
        super().__init__(scope, apps_stack_name(env.name))
        self.env = env
        s3_backend(self, env.state, env.state.region)
        aws_provider(self, env.aws, env.all_tags)
        apply_policy(self, env.policy, owner=env.name)
        self.naming = Naming(env.naming.prefix, env.name)

        self.cluster = EksClusterAccess(self, "Cluster", cluster_name=self.naming.name(CLUSTER_COMPONENT),
                                        region=env.aws.region, role_arn=env.aws.deploy_role_arn)
        self.binding = TargetBinding.for_compute(env.eks.compute)
        if env.eks.auto_mode and env.apps:
            ClusterNetworkPolicyEnforcement(self, "NetworkPolicyEnforcement")
        self._platform: PlatformValuesReader | None = None
        self._entry_environment: EntryEnvironment | None = None
        self._data_environment: DataEnvironment | None = None
        namespaces = sorted({workload.namespace_for(app) for app, workload in env.apps.items()})
        self.namespaces = {namespace: self._namespace(namespace) for namespace in namespaces}
        self.entries: dict[str, ApplicationEntry] = {}
        self.data: dict[str, ApplicationDataAccess] = {}
        self.apps = {app: self._deploy(app, workload) for app, workload in sorted(env.apps.items())}
        for app, deployment in self.apps.items():
            outputs = {**deployment.outputs, **(self.entries[app].outputs if app in self.entries else {})}
            for key, value in outputs.items():
                TerraformOutput(self, f"{app}_{key}", value=value, description=f"{key} of application {app}")

    def _namespace(self, name: str) -> k8s.namespace_v1.NamespaceV1:
        labels = {f"pod-security.kubernetes.io/{mode}": POD_SECURITY_LEVEL for mode in ("enforce", "audit", "warn")}
        if any(workload.ingress and workload.namespace_for(app) == name for app, workload in self.env.apps.items()):
            labels.update(self.binding.namespace_labels)
        return k8s.namespace_v1.NamespaceV1(self, f"Namespace{pascal_id(name)}", metadata={"name": name, "labels": labels})

    def _deploy(self, app: str, workload: WorkloadProps) -> RollingDeployment:
        release = release_inputs(self, app, ImagePolicy(self.env.rollout.image_pinning, workload.image_repository))
        namespace = self.namespaces[workload.namespace_for(app)].metadata.name
        entry = None
        if workload.ingress is not None:
            entry = self.entries[app] = ApplicationEntry(self, f"Entry{pascal_id(app)}", app=app, workload=workload,
                                                         namespace=namespace, environment=self._entries())
        role = self._pod_role(app, workload)
        data = self.data[app] = ApplicationDataAccess(self, f"Data{pascal_id(app)}", app=app, namespace=namespace,
                                                      pod_role=role, environment=self._data())
        return RollingDeployment(
            self, f"App{pascal_id(app)}", name=app, props=workload, rollout=self.env.rollout, release=release,
            namespace=namespace, cluster_name=self.cluster.cluster_name, pod_role_arn=role.arn,
            readiness_gates=[entry.readiness_gate] if entry else (),
            depends_on=[*([entry.binding] if entry else []), *role.resources, *data.prerequisites],
            env_from_config_maps=[data.config_map_name], template_annotations=data.annotations,
        )

    def _platform_values(self) -> PlatformValuesReader:
        """The platform values reader, created with the first value read (a stack reading none has none)."""
        if self._platform is None:
            self._platform = PlatformValuesReader(self, "Platform", naming=self.naming)
        return self._platform

    def _data(self) -> DataEnvironment:
        if self._data_environment is None:
            self._data_environment = DataEnvironment(config=self.env, naming=self.naming,
                                                     cluster_name=self.cluster.cluster_name,
                                                     platform=self._platform_values())
        return self._data_environment

    def _entries(self) -> EntryEnvironment:
        """What the entries share, created with the first entry (a stack without entries reads no platform value)."""
        if self._entry_environment is None:
            env = self.env
            self._entry_environment = EntryEnvironment(
                naming=self.naming, dns=env.dns, ingress=env.ingress, rollout=env.rollout,
                cluster_name=self.cluster.cluster_name, binding=self.binding, platform=self._platform_values())
        return self._entry_environment

    def _pod_role(self, app: str, workload: WorkloadProps) -> PodRole:
        """The IAM role of ``app``'s pods: only EKS Pod Identity may assume it, and only for ``app``'s
        service account in its namespace on this cluster (the session tags Pod Identity sets). Its
        permissions are the grants of its declared uses plus ``pod_policy_arns``."""
        subject = ServiceAccountRef(self.env.aws.account_id, self.cluster.cluster_name,
                                    workload.namespace_for(app), app)
        return PodRole(self, f"{pascal_id(app)}Pod", name=self.naming.name(f"{app}-pod"), subject=subject,
                       description=f"Pods of {app} on {self.cluster.cluster_name} (EKS Pod Identity)",
                       managed_policy_arns=workload.pod_policy_arns)
