"""EksCluster: an EKS cluster with access entries, managed add-ons and managed node groups."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from platform_constructs._internal.annotations import warn
from platform_constructs._internal.aws_context import account_id, assume_role_policy, partition, policy_document
from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformResource, TerraformResourceLifecycle, aws
from platform_constructs.compute.eks_props import (
    CLUSTER_COMPONENT,
    SYSTEM_NODE_GROUP,
    EksProps,
    NodeGroupProps,
    node_role_name,
)
from platform_constructs.compute.node_group import NAME_PREFIX_MAX_LENGTH, ManagedNodeGroup
from platform_constructs.compute.pod_identity import ServiceAccountRef, attach_managed_policies, pod_identity_role
from platform_constructs.errors import Problem, refuse
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent"
#: Add-ons the nodes of managed node groups need to become Ready (networking, service routing, pod
#: credentials): created after the control plane and before any node group. Auto Mode builds them in.
ADDONS_BEFORE_NODES = ("vpc-cni", "kube-proxy", POD_IDENTITY_AGENT_ADDON)
CONTAINER_INSIGHTS_ADDON = "amazon-cloudwatch-observability"
#: Log groups the Container Insights agents write to; created up front so they get retention and KMS
#: (the agents would otherwise create them without either). On AL2023 nodes the add-on sends no
#: dataplane or host logs by default; those two groups stay empty until that is configured.
CONTAINER_INSIGHTS_LOG_KINDS = ("application", "dataplane", "host", "performance")

#: Namespace and service account (fixed by each add-on), role name component and the AWS-managed
#: policies of the add-on's Pod Identity role.
_ADDON_IDENTITIES = {
    "aws-ebs-csi-driver": ("kube-system", "ebs-csi-controller-sa", "ebs-csi",
                           ("service-role/AmazonEBSCSIDriverPolicy",)),
    CONTAINER_INSIGHTS_ADDON: ("amazon-cloudwatch", "cloudwatch-agent", "cloudwatch-agent",
                               ("CloudWatchAgentServerPolicy",)),
}
#: Add-on settings: the VPC CNI's network policy agent enforces the applications' NetworkPolicies (Auto Mode
#: turns its built-in agent on through a ConfigMap instead, ``access/network_policies.py``).
_ADDON_CONFIGURATION = {"vpc-cni": json.dumps({"enableNetworkPolicy": "true"})}
_CLUSTER_POLICIES = ("AmazonEKSClusterPolicy",)
#: What EKS Auto Mode does with the cluster role: launch and scale nodes, attach EBS volumes, manage load
#: balancers and pod networking.
_AUTO_MODE_CLUSTER_POLICIES = ("AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy",
                               "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy")
# The CNI policy stays on the node role: aws-node must assign pod IPs before any Pod Identity agent runs.
_NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")
#: Auto Mode nodes only join the cluster and pull images; networking runs with the cluster role.
_AUTO_MODE_NODE_POLICIES = ("AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly")
_CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
_NAMESPACE_EDIT_POLICY = "AmazonEKSEditPolicy"
_SERVICE_ACCOUNT = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class EksCluster(Construct):
    """An EKS cluster that is private, encrypted, logged and managed through access entries.

    - **Access**: authentication mode ``API`` only (no ``aws-auth`` config map); the creator gets
      no implicit admin rights. ``props.admin_roles`` get ``AmazonEKSClusterAdminPolicy``
      cluster-wide, ``props.deployer_roles`` get ``AmazonEKSEditPolicy`` in their namespaces.
    - **Endpoint**: private always; public only with ``endpoint_public_access`` and CIDR ranges.
    - **Encryption**: Kubernetes secrets are envelope-encrypted with a rotating KMS key (given,
      or created here); the cluster role may use only that key.
    - **Logs**: the selected control-plane log types go to ``/aws/eks/<cluster>/cluster``, created
      before the cluster with the environment's retention and KMS key.
    - **Compute**: with ``compute = "auto-mode"`` (default) EKS Auto Mode starts nodes for pending pods
      in its built-in node pools and removes idle ones, and brings pod networking, CoreDNS, Pod
      Identity, EBS storage and the load-balancer controller (which binds pods to Terraform-owned
      target groups). With ``node-groups`` a system node group plus ``props.node_groups``, all in
      ``subnet_ids`` (the private subnets of every zone); see :class:`ManagedNodeGroup`.
    - **Add-ons** (managed, in dependency order): with node groups vpc-cni, kube-proxy and
      eks-pod-identity-agent before the nodes, coredns and aws-ebs-csi-driver (Pod Identity role) after
      them; always metrics-server (the HorizontalPodAutoscaler's metrics); with ``container_insights``
      amazon-cloudwatch-observability (Pod Identity role, log groups created up front). Each version is
      pinned in ``props.addon_versions`` or resolved for ``kubernetes_version`` by the
      ``aws_eks_addon_version`` data source, so a cluster upgrade moves the add-ons with it.
    - **Deletion protection**: the AWS provider 5.100 has no EKS ``deletion_protection`` argument
      (it arrived in provider 6), so ``props.deletion_protection`` becomes ``prevent_destroy``.

    Example::

        cluster = EksCluster(self, "Eks", props=env.eks, naming=naming,
                             subnet_ids=network.subnet_id_list("private"), logs=logs)
        database.allow_from(cluster)  # nodes and pods leave from cluster.security_group_id
        cluster.add_pod_identity_association("ApiIdentity", namespace="apps", service_account="api",
                                             role_arn=api_role.arn)
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: EksProps,
        naming: Naming,
        subnet_ids: Sequence[str],
        logs: LogSettings,
        kms_key: KmsKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # validate
        problems = props.problems()
        if not subnet_ids:
            problems.append(Problem("eks.subnets", "subnet_ids", list(subnet_ids),
                                    "is empty; give the private subnets"))
        refuse(problems, self.node.path)
        if props.endpoint_public_access:
            warn(self, "platform:eks:publicEndpoint",
                 f"the Kubernetes API endpoint is reachable from the internet for {list(props.public_access_cidrs)}; "
                 "staging and prod refuse it, prefer the private endpoint through a VPN or bastion")
        # resolve defaults
        self.props = props
        self._naming = naming
        self._partition = partition(self)
        self.cluster_name: str = naming.name(CLUSTER_COMPONENT)
        self.kubernetes_version: str = props.kubernetes_version
        self.secrets_key = kms_key or KmsKey(self, "SecretsKey", props=KmsKeyProps(
            alias=naming.name("eks-secrets"), description=f"Kubernetes secrets of EKS cluster {self.cluster_name}",
        ))
        self._associations: set[tuple[str, str]] = set()

        # create resources
        self.node_role = aws.iam_role.IamRole(self, "NodeRole", name=node_role_name(naming),
                                              assume_role_policy=assume_role_policy("ec2.amazonaws.com"))
        node_policies = attach_managed_policies(self, "NodeRole", self.node_role,
                                                _AUTO_MODE_NODE_POLICIES if props.auto_mode else _NODE_POLICIES)
        self.cluster = self._create_cluster(subnet_ids, logs, node_policies)
        self._create_access_entries()
        self.addons: dict[str, aws.eks_addon.EksAddon] = {}
        for name in (addon for addon in props.addons if addon in ADDONS_BEFORE_NODES):
            self.addons[name] = self._addon(name)
        self.node_groups = self._create_node_groups(subnet_ids, [*node_policies, *self.addons.values()])
        nodes: list[TerraformResource] = [group.node_group for group in self.node_groups.values()]
        for name in (addon for addon in props.addons if addon not in ADDONS_BEFORE_NODES):
            self.addons[name] = (self._container_insights(logs, nodes) if name == CONTAINER_INSIGHTS_ADDON
                                 else self._addon(name, depends_on=nodes))

        # expose attributes
        self.cluster_arn: str = self.cluster.arn
        self.endpoint: str = self.cluster.endpoint
        self.security_group_id: str = self.cluster.vpc_config.cluster_security_group_id
        self.node_role_arn: str = self.node_role.arn

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "cluster_name": self.cluster.name,
            "cluster_arn": self.cluster_arn,
            "endpoint": self.endpoint,
            "kubernetes_version": self.cluster.version,
            "security_group_id": self.security_group_id,
            "node_role_arn": self.node_role_arn,
            "secrets_kms_key_arn": self.secrets_key.arn,
        }

    def add_pod_identity_association(
        self, construct_id: str, *, namespace: str, service_account: str, role_arn: str,
    ) -> aws.eks_pod_identity_association.EksPodIdentityAssociation:
        """Let pods running as ``namespace/service_account`` assume ``role_arn`` (EKS Pod Identity).

        The role must trust ``pods.eks.amazonaws.com`` (see ``compute.pod_identity``). One
        association per service account: a second one for the same account is refused.
        """
        problems = []
        if not _NAMESPACE.match(namespace):
            problems.append(Problem("eks.pod-identity", "namespace", namespace,
                                    f"{namespace!r} is not a Kubernetes namespace name (DNS-1123 label)"))
        if not _SERVICE_ACCOUNT.match(service_account):
            problems.append(Problem("eks.pod-identity", "service_account", service_account,
                                    f"{service_account!r} is not a Kubernetes service account name "
                                    "(DNS-1123 subdomain)"))
        if (namespace, service_account) in self._associations:
            problems.append(Problem("eks.pod-identity", "service_account", service_account,
                                    f"{namespace}/{service_account} already has a Pod Identity association"))
        refuse(problems, self.node.path)
        self._associations.add((namespace, service_account))
        return aws.eks_pod_identity_association.EksPodIdentityAssociation(
            self, construct_id, cluster_name=self.cluster.name, namespace=namespace,
            service_account=service_account, role_arn=role_arn, depends_on=self._pod_identity_agent(),
        )

    def _pod_identity_agent(self) -> list[TerraformResource] | None:
        """What Pod Identity associations wait for: the agent add-on (node groups); Auto Mode has it built in."""
        agent = self.addons.get(POD_IDENTITY_AGENT_ADDON)
        return [agent] if agent is not None else None

    def _create_cluster(self, subnet_ids: Sequence[str], logs: LogSettings,
                        node_policies: Sequence[TerraformResource]) -> aws.eks_cluster.EksCluster:
        props = self.props
        # Auto Mode's controllers tag what they create with the cluster's name through session tags
        role = aws.iam_role.IamRole(self, "ClusterRole", name=self._naming.name("eks-cluster"),
                                    assume_role_policy=assume_role_policy("eks.amazonaws.com",
                                                                          tag_session=props.auto_mode))
        policies = (*_CLUSTER_POLICIES, *_AUTO_MODE_CLUSTER_POLICIES) if props.auto_mode else _CLUSTER_POLICIES
        prerequisites: list[TerraformResource] = attach_managed_policies(self, "ClusterRole", role, policies)
        if props.auto_mode:
            prerequisites.extend(node_policies)  # Auto Mode launches nodes with this role as soon as pods are pending
        prerequisites.append(aws.iam_role_policy.IamRolePolicy(
            self, "ClusterSecretsKeyPolicy", role=role.id, name="encrypt-kubernetes-secrets",
            policy=policy_document({
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                "Resource": self.secrets_key.arn,
            }),
        ))
        if props.control_plane_log_types:
            # EKS creates this group itself, without retention or KMS, unless it already exists.
            prerequisites.append(logs.log_group(self, "ControlPlaneLogGroup",
                                                f"/aws/eks/{self.cluster_name}/cluster").log_group)
        return aws.eks_cluster.EksCluster(
            self, "Cluster",
            name=self.cluster_name,
            role_arn=role.arn,
            version=props.kubernetes_version,
            vpc_config={
                "subnet_ids": list(subnet_ids),
                "endpoint_private_access": True,
                "endpoint_public_access": props.endpoint_public_access,
                "public_access_cidrs": list(props.public_access_cidrs) if props.endpoint_public_access else None,
            },
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            bootstrap_self_managed_addons=False,
            enabled_cluster_log_types=list(props.control_plane_log_types),
            encryption_config={"resources": ["secrets"], "provider": {"key_arn": self.secrets_key.arn}},
            upgrade_policy={"support_type": props.support_type},
            zonal_shift_config={"enabled": props.zonal_shift},
            **self._auto_mode_settings(),
            depends_on=prerequisites,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.deletion_protection),
        )

    def _auto_mode_settings(self) -> dict[str, object]:
        """The three Auto Mode capabilities, which EKS accepts only all on or all off."""
        if not self.props.auto_mode:
            return {}
        return {
            "compute_config": {"enabled": True, "node_pools": list(self.props.effective_node_pools),
                               "node_role_arn": self.node_role.arn},
            "kubernetes_network_config": {"elastic_load_balancing": {"enabled": True}},
            "storage_config": {"block_storage": {"enabled": True}},
        }

    def _create_access_entries(self) -> None:
        grants: list[tuple[str, str, dict[str, Any]]] = [
            (role, _CLUSTER_ADMIN_POLICY, {"type": "cluster"}) for role in self.props.admin_roles]
        grants += [(role, _NAMESPACE_EDIT_POLICY, {"type": "namespace", "namespaces": list(namespaces)})
                   for role, namespaces in self.props.deployer_roles.items()]
        account = account_id(self)
        for role, policy, scope in grants:
            entry = aws.eks_access_entry.EksAccessEntry(
                self, f"AccessEntry{pascal_id(role)}", cluster_name=self.cluster.name, type="STANDARD",
                principal_arn=f"arn:{self._partition}:iam::{account}:role/{role}",
            )
            aws.eks_access_policy_association.EksAccessPolicyAssociation(
                self, f"AccessPolicy{pascal_id(role)}", cluster_name=self.cluster.name,
                principal_arn=entry.principal_arn, access_scope=scope,
                policy_arn=f"arn:{self._partition}:eks::aws:cluster-access-policy/{policy}",
            )

    def _create_node_groups(self, subnet_ids: Sequence[str],
                            depends_on: list[TerraformResource]) -> dict[str, ManagedNodeGroup]:
        system = {SYSTEM_NODE_GROUP: self.props.system_node_group} if self.props.system_node_group else {}
        groups: dict[str, NodeGroupProps] = {**system, **self.props.node_groups}
        return {
            name: ManagedNodeGroup(
                self, f"{pascal_id(name)}NodeGroup", props=group,
                name=self._naming.name(f"eks-{name}", max_length=NAME_PREFIX_MAX_LENGTH - 1),
                cluster_name=self.cluster.name, kubernetes_version=self.cluster.version,
                node_role_arn=self.node_role.arn, subnet_ids=subnet_ids, depends_on=depends_on,
            )
            for name, group in groups.items()
        }

    def _addon(self, name: str, depends_on: Sequence[TerraformResource] = ()) -> aws.eks_addon.EksAddon:
        identity = None
        depends = list(depends_on)
        if name in _ADDON_IDENTITIES:
            namespace, service_account, component, policies = _ADDON_IDENTITIES[name]
            subject = ServiceAccountRef(account_id(self), self.cluster_name, namespace, service_account)
            role = pod_identity_role(self, f"{pascal_id(component)}Role", name=self._naming.name(f"eks-{component}"),
                                     subject=subject, managed_policies=policies)
            identity = [aws.eks_addon.EksAddonPodIdentityAssociation(service_account=service_account,
                                                                     role_arn=role.arn)]
            depends.extend(self._pod_identity_agent() or ())
        return aws.eks_addon.EksAddon(
            self, f"Addon{pascal_id(name)}", cluster_name=self.cluster.name, addon_name=name,
            addon_version=self._addon_version(name), configuration_values=_ADDON_CONFIGURATION.get(name),
            # IaC owns the settings: a hand edit is overwritten on the next apply
            resolve_conflicts_on_create="OVERWRITE", resolve_conflicts_on_update="OVERWRITE",
            pod_identity_association=identity, depends_on=depends or None,
        )

    def _addon_version(self, name: str) -> str:
        """The pinned version, or the one EKS offers for the configured Kubernetes version (read at plan time
        from the configured version, so an upgrade plans the new add-on versions in the same run)."""
        pinned = next((version for addon, version in self.props.addon_versions.items() if addon == name), None)
        if pinned is not None:
            return pinned
        resolved: str = aws.data_aws_eks_addon_version.DataAwsEksAddonVersion(
            self, f"AddonVersion{pascal_id(name)}", addon_name=name, kubernetes_version=self.props.kubernetes_version,
            most_recent=self.props.addon_version_selection == "latest",
        ).version
        return resolved

    def _container_insights(self, logs: LogSettings, nodes: list[TerraformResource]) -> aws.eks_addon.EksAddon:
        log_groups = [
            logs.log_group(self, f"ContainerInsights{kind.capitalize()}LogGroup",
                           f"/aws/containerinsights/{self.cluster_name}/{kind}").log_group
            for kind in CONTAINER_INSIGHTS_LOG_KINDS
        ]
        return self._addon(CONTAINER_INSIGHTS_ADDON, depends_on=[*nodes, *log_groups])
