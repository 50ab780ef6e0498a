"""AppStack: one application of one environment, in its own state (``<env>-app-<name>``)."""

from __future__ import annotations

from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack, aws, k8s
from platform_constructs.compute.eks_props import CLUSTER_COMPONENT
from platform_constructs.compute.pod_identity import ServiceAccountRef, pod_identity_trust_policy
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.ingress.application_entry import ApplicationEntry, EntryEnvironment
from platform_constructs.ingress.target_binding import TargetBinding
from platform_constructs.k8s.cluster_access import EksClusterAccess
from platform_constructs.k8s.image_policy import ImagePolicy
from platform_constructs.k8s.release_inputs import release_inputs
from platform_constructs.k8s.rolling_deployment import RollingDeployment
from platform_constructs.naming import Naming
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
    IAM role its pods assume through EKS Pod Identity, the variables ``image_<app>`` and
    ``change_cause_<app>``, and a :class:`RollingDeployment` with the tier's rollout preset. With
    ``[apps.<name>.ingress]`` also an :class:`ApplicationEntry` (HTTPS at its host; platform values
    read from SSM, never from the platform stack's state; on a shared load balancer, its own listener
    rule and certificate on the listener the platform stack publishes), whose target-health condition
    the pods wait for. Outputs ``<app>_image`` (the image in state after the apply),
    ``<app>_deployment`` and ``<app>_namespace`` tell the pipeline what runs and where to watch it;
    ``<app>_url``, ``<app>_host`` and the load balancer and target group ARN suffixes where it is reached.

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
        self.namespace = self._create_namespace(self.workload.namespace_for(app))
        self.entry = self._create_entry() if self.workload.ingress is not None else None
        release = release_inputs(self, app, ImagePolicy(env.rollout.image_pinning, self.workload.image_repository))
        entry = self.entry
        self.deployment = RollingDeployment(
            self, f"App{pascal_id(app)}", name=app, props=self.workload, rollout=env.rollout, release=release,
            namespace=self.namespace.metadata.name, cluster_name=self.cluster.cluster_name,
            pod_role_arn=self._create_pod_role().arn,
            readiness_gates=[entry.readiness_gate] if entry else (), depends_on=[entry.binding] if entry else (),
        )
        outputs = {**self.deployment.outputs, **(entry.outputs if entry else {})}
        for key, value in outputs.items():
            TerraformOutput(self, f"{app}_{key}", value=value, description=f"{key} of application {app}")

    def _create_namespace(self, name: str) -> k8s.namespace_v1.NamespaceV1:
        labels = {f"pod-security.kubernetes.io/{mode}": POD_SECURITY_LEVEL for mode in ("enforce", "audit", "warn")}
        if self.workload.ingress is not None:
            labels.update(self.binding.namespace_labels)
        return k8s.namespace_v1.NamespaceV1(self, f"Namespace{pascal_id(name)}",
                                            metadata={"name": name, "labels": labels})

    def _create_entry(self) -> ApplicationEntry:
        """The application's HTTPS entry, reading what the platform stack publishes (zones, VPC, load balancers)."""
        env = self.env
        environment = EntryEnvironment(
            naming=self.naming, dns=env.dns, ingress=env.ingress, rollout=env.rollout,
            cluster_name=self.cluster.cluster_name, binding=self.binding,
            platform=PlatformValuesReader(self, "Platform", naming=self.naming))
        return ApplicationEntry(self, f"Entry{pascal_id(self.app)}", app=self.app, workload=self.workload,
                                namespace=self.namespace.metadata.name, environment=environment)

    def _create_pod_role(self) -> aws.iam_role.IamRole:
        """The IAM role of the application's pods: only EKS Pod Identity may assume it, and only for the
        application's service account in its namespace on this cluster (the session tags Pod Identity sets)."""
        app, workload = self.app, self.workload
        subject = ServiceAccountRef(self.env.aws.account_id, self.cluster.cluster_name,
                                    workload.namespace_for(app), app)
        role = aws.iam_role.IamRole(
            self, f"{pascal_id(app)}PodRole", name=self.naming.name(f"{app}-pod"),
            description=f"Pods of {app} on {self.cluster.cluster_name} (EKS Pod Identity)",
            assume_role_policy=pod_identity_trust_policy(subject),
        )
        # exclusive: a policy attached by hand outside Terraform is detached again on the next apply
        aws.iam_role_policy_attachments_exclusive.IamRolePolicyAttachmentsExclusive(
            self, f"{pascal_id(app)}PodPolicies", role_name=role.name, policy_arns=list(workload.pod_policy_arns),
        )
        return role
