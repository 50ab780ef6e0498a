"""Props of the EKS cluster (the ``[eks]`` section) and of its managed node groups.

Field types refuse malformed single values; :meth:`EksProps.problems` checks the rules that
span several fields (sizes, capacity, endpoint access, roles) and names the offending field of
each. The construct raises the first problem; the configuration loader reports all of them.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from platform_constructs.errors import Problem
from platform_constructs.k8s.namespaces import reserved_namespace_reason
from platform_constructs.naming import Naming
from platform_constructs.props import MAY_DIFFER, Cidr, Props, StrictBool, StrictInt, StrictStr

ControlPlaneLogType = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
#: Every control-plane log type EKS can send to CloudWatch.
ALL_CONTROL_PLANE_LOG_TYPES: tuple[ControlPlaneLogType, ...] = (
    "api", "audit", "authenticator", "controllerManager", "scheduler",
)
CapacityType = Literal["ON_DEMAND", "SPOT"]
#: Amazon Linux 2023 only: AL2 AMIs stop at Kubernetes 1.32.
NodeAmiType = Literal["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"]
DesiredSizeOwner = Literal["autoscaler", "terraform"]
SupportType = Literal["STANDARD", "EXTENDED"]
#: ``auto-mode``: EKS Auto Mode runs and scales the nodes, pod networking, DNS, block storage and the
#: load-balancer controller; ``node-groups``: managed node groups plus the classic add-ons (the team then
#: installs a node autoscaler and the AWS Load Balancer Controller itself). docs/decisions/0009-*.
ComputeMode = Literal["auto-mode", "node-groups"]
#: Node pools EKS Auto Mode provides; ``system`` takes only critical add-ons (it is tainted).
AutoModeNodePool = Literal["general-purpose", "system"]
#: Managed add-ons whose version can be pinned in ``addon_versions``.
AddonName = Literal["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver",
                    "amazon-cloudwatch-observability", "metrics-server"]
#: How the version of an add-on without a pin is chosen for the cluster's Kubernetes version:
#: ``default`` – the version EKS marks as default for it; ``latest`` – the newest compatible one.
AddonVersionSelection = Literal["default", "latest"]

#: Physical-name components: cluster ``{prefix}-{env}-eks``, node role ``{prefix}-{env}-eks-node``.
CLUSTER_COMPONENT = "eks"
NODE_ROLE_COMPONENT = "eks-node"
#: Key of the node group that always exists; ``node_groups`` may not reuse it.
SYSTEM_NODE_GROUP = "system"
#: The broadest public-endpoint range accepted: a /8 already holds 16 million addresses.
BROADEST_PUBLIC_PREFIX = 8
#: A Spot node group needs alternatives when one instance pool runs dry.
MIN_SPOT_INSTANCE_TYPES = 2

#: Graviton families carry a ``g`` right after the generation digit (m7g, c6gn, r8g, is4gen).
_GRAVITON_FAMILY = re.compile(r"^[a-z]+\d+g")
_KUBERNETES_VERSION = re.compile(r"^1\.(\d{2})$")


def _kubernetes_version(value: str) -> str:
    if not _KUBERNETES_VERSION.match(value):
        raise ValueError("must be a Kubernetes minor version such as 1.34 (major.minor, no patch)")
    return value


def _not_empty(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise ValueError("must list at least one instance type")
    return values


KubernetesVersion = Annotated[StrictStr, AfterValidator(_kubernetes_version)]
#: An EKS add-on version such as ``v0.7.2-eksbuild.1``.
AddonVersion = Annotated[StrictStr, Field(pattern=r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")]
#: An EC2 instance type such as ``m7i.large``.
InstanceType = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")]
#: An IAM role name (without path) in the environment's account.
RoleName = Annotated[StrictStr, Field(pattern=r"^[\w+=,.@-]{1,64}$")]
#: A Kubernetes namespace name (DNS-1123 label).
Namespace = Annotated[StrictStr, Field(pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
#: Key of an additional node group; part of its physical names.
NodeGroupName = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9-]{0,19}$")]
#: A Kubernetes label key (optional DNS prefix, then a name of up to 63 characters).
LabelKey = Annotated[StrictStr, Field(pattern=r"^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")]


def is_graviton(instance_type: str) -> bool:
    """Whether an instance type runs on arm64 (AWS Graviton)."""
    return bool(_GRAVITON_FAMILY.match(instance_type))


def node_role_name(naming: Naming) -> str:
    """Name of the IAM role of an environment's EKS nodes; the shared stack grants it image pulls."""
    return naming.name(NODE_ROLE_COMPONENT)


class NodeGroupProps(Props):
    """One EKS managed node group: instances, capacity, sizes and update behaviour.

    Nodes are launched from a launch template (IMDSv2 only, hop limit 1, encrypted gp3 root
    volume) into the cluster's private subnets in every zone.
    """

    instance_types: Annotated[tuple[InstanceType, ...], AfterValidator(_not_empty)] = Field(
        default=("m7i.large",), json_schema_extra=MAY_DIFFER)
    """Instance types, in order of preference; Spot needs at least two. Default: ``("m7i.large",)``."""
    capacity_type: CapacityType = "ON_DEMAND"
    """``ON_DEMAND`` or ``SPOT`` (interruptible, cheaper). Default: ``ON_DEMAND``."""
    ami_type: NodeAmiType = "AL2023_x86_64_STANDARD"
    """Amazon Linux 2023 image for x86_64 or arm64 (Graviton) instances. Default: ``AL2023_x86_64_STANDARD``."""
    min_size: StrictInt = Field(default=3, ge=0, le=1000, json_schema_extra=MAY_DIFFER)
    """Fewest nodes. Default: 3 (one per zone in a three-zone VPC)."""
    max_size: StrictInt = Field(default=6, ge=1, le=1000, json_schema_extra=MAY_DIFFER)
    """Most nodes the autoscaler may run. Default: 6."""
    desired_size: StrictInt | None = Field(default=None, ge=0, le=1000, json_schema_extra=MAY_DIFFER)
    """Nodes at creation (and on every apply when ``desired_size_owner`` is ``terraform``).
    Default: derived – ``min_size``."""
    desired_size_owner: DesiredSizeOwner = "autoscaler"
    """Who owns the node count after creation. ``autoscaler``: Terraform sets ``desired_size`` once
    and ignores later changes (``ignore_changes``), so the cluster autoscaler or Karpenter is never
    reverted by an apply. ``terraform``: every apply resets the count to ``desired_size``.
    Default: ``autoscaler``."""
    max_unavailable_percentage: StrictInt = Field(default=33, ge=1, le=33)
    """Share of nodes replaced at once during a version or launch-template update. Default: 33."""
    root_volume_size_gib: StrictInt = Field(default=50, ge=20, le=16384, json_schema_extra=MAY_DIFFER)
    """Size of the encrypted gp3 root volume (images and ephemeral storage). Default: 50."""
    auto_repair: StrictBool = True
    """Let EKS replace nodes that report unhealthy. Default: ``True``."""
    labels: dict[LabelKey, StrictStr] = Field(default_factory=dict)
    """Kubernetes labels put on every node of the group. Default: none."""

    @property
    def initial_size(self) -> int:
        """``desired_size``, or ``min_size`` when it is not set."""
        return self.min_size if self.desired_size is None else self.desired_size

    def problems(self, prefix: str = "") -> list[Problem]:
        """Cross-field problems, every one at once (``[]`` when valid); each names its field as ``{prefix}{field}``."""
        found = []

        def problem(code: str, field: str, value: object, message: str) -> None:
            found.append(Problem(f"eks.{code}", f"{prefix}{field}", value, message))

        if self.min_size > self.max_size:
            problem("node-sizes", "min_size", self.min_size,
                    f"{self.min_size} is greater than max_size ({self.max_size})")
        if self.desired_size is not None and not self.min_size <= self.desired_size <= self.max_size:
            problem("node-sizes", "desired_size", self.desired_size,
                    f"{self.desired_size} must lie between min_size ({self.min_size}) and max_size ({self.max_size})")
        if self.capacity_type == "SPOT" and len(self.instance_types) < MIN_SPOT_INSTANCE_TYPES:
            problem("spot-diversity", "instance_types", self.instance_types,
                    f"{list(self.instance_types)} lists {len(self.instance_types)} type(s); SPOT needs at least "
                    f"{MIN_SPOT_INSTANCE_TYPES} so an exhausted Spot pool does not stop the group")
        if len(set(self.instance_types)) != len(self.instance_types):
            problem("duplicate", "instance_types", self.instance_types,
                    f"{list(self.instance_types)} lists a type twice")
        wants_arm = self.ami_type == "AL2023_ARM_64_STANDARD"
        for index, instance_type in enumerate(self.instance_types):
            if is_graviton(instance_type) != wants_arm:
                architecture = "arm64 (Graviton)" if is_graviton(instance_type) else "x86_64"
                problem("architecture", f"instance_types[{index}]", instance_type,
                        f"{instance_type} is an {architecture} type but ami_type is {self.ami_type}")
        return found


class EksProps(Props):
    """Settings of the EKS cluster; tier defaults live in ``config/presets/eks.toml``.

    Always on, not configurable: authentication mode ``API`` (access entries, no ``aws-auth``
    config map), secrets envelope encryption with a rotating customer-managed key, a private
    API endpoint, and the ``metrics-server`` add-on (the HorizontalPodAutoscaler's metrics source).
    With ``compute = "node-groups"`` also the add-ons vpc-cni, kube-proxy, eks-pod-identity-agent,
    coredns and aws-ebs-csi-driver, which EKS Auto Mode builds in. The model defaults are the
    production shape.
    """

    kubernetes_version: KubernetesVersion = "1.34"
    """Kubernetes minor version of the control plane and the nodes, pinned per environment. Default: ``1.34``."""
    support_type: SupportType = "STANDARD"
    """``STANDARD`` support, or ``EXTENDED`` (paid) to stay on a version past its standard end.
    Default: ``STANDARD``."""
    endpoint_public_access: StrictBool = False
    """Also expose the API endpoint publicly, restricted to ``public_access_cidrs``; the private
    endpoint is always on. Default: ``False`` (private only)."""
    public_access_cidrs: tuple[Cidr, ...] = Field(default=(), json_schema_extra=MAY_DIFFER)
    """Source ranges allowed to reach the public endpoint (at most /8 wide; never 0.0.0.0/0).
    Default: none."""
    control_plane_log_types: tuple[ControlPlaneLogType, ...] = ALL_CONTROL_PLANE_LOG_TYPES
    """Control-plane logs sent to ``/aws/eks/<cluster>/cluster`` (retention and KMS from the
    environment's log settings). Default: all five."""
    admin_roles: tuple[RoleName, ...] = ()
    """IAM roles of the environment's account given cluster-admin through access entries. Default: none."""
    deployer_roles: dict[RoleName, tuple[Namespace, ...]] = Field(default_factory=dict)
    """IAM role → namespaces it may deploy to (``AmazonEKSEditPolicy`` scoped to them). Default: none."""
    compute: ComputeMode = "auto-mode"
    """Who runs the nodes: ``auto-mode`` (EKS Auto Mode: nodes follow pending pods and are removed when idle;
    pod networking, DNS, Pod Identity, block storage and load balancing are built in) or ``node-groups``
    (managed node groups and the classic add-ons). Default: ``auto-mode``."""
    node_pools: tuple[AutoModeNodePool, ...] | None = None
    """Built-in Auto Mode node pools (``compute = "auto-mode"`` only). Default: derived – ``general-purpose`` and
    ``system``."""
    system_node_group: NodeGroupProps | None = None
    """The node group that runs the cluster add-ons (``compute = "node-groups"`` only, where it is required).
    Default: none."""
    node_groups: dict[NodeGroupName, NodeGroupProps] = Field(default_factory=dict)
    """Additional managed node groups by name (e.g. ``batch``), with either compute mode. Default: none."""
    addon_versions: dict[AddonName, AddonVersion] = Field(default_factory=dict)
    """Pinned add-on versions; an add-on without a pin gets the version ``addon_version_selection`` picks for
    ``kubernetes_version`` (so a cluster upgrade moves it too). Default: none."""
    addon_version_selection: AddonVersionSelection = "default"
    """For unpinned add-ons: the version EKS marks as ``default`` for the cluster's Kubernetes version, or the
    ``latest`` compatible one. Default: ``default``."""
    container_insights: StrictBool = True
    """Install the ``amazon-cloudwatch-observability`` add-on (Container Insights metrics and
    container logs into pre-created, encrypted log groups). Default: ``True``."""
    zonal_shift: StrictBool = True
    """Let ARC zonal shift move traffic away from an impaired zone. Default: ``True``."""
    deletion_protection: StrictBool = True
    """Refuse to destroy the cluster: Terraform ``prevent_destroy`` (the AWS provider 5.x has no
    EKS deletion-protection argument). Default: ``True``."""

    def problems(self, prefix: str = "") -> list[Problem]:  # noqa: PLR0912 - one branch per rule, all reported
        """Cross-field problems, every one at once (``[]`` when valid); each names its field as ``{prefix}{field}``."""
        found = []

        def problem(code: str, field: str, value: object, message: str) -> None:
            found.append(Problem(f"eks.{code}", f"{prefix}{field}", value, message))

        if self.endpoint_public_access and not self.public_access_cidrs:
            problem("public-endpoint", "public_access_cidrs", self.public_access_cidrs,
                    "must list at least one source range when endpoint_public_access is true")
        if self.public_access_cidrs and not self.endpoint_public_access:
            problem("public-endpoint", "public_access_cidrs", self.public_access_cidrs,
                    f"{list(self.public_access_cidrs)} has no effect: endpoint_public_access is false "
                    "(private endpoint only); remove the ranges or turn public access on")
        for index, cidr in enumerate(self.public_access_cidrs):
            prefix_length = ipaddress.IPv4Network(cidr).prefixlen
            if prefix_length < BROADEST_PUBLIC_PREFIX:
                problem("public-endpoint", f"public_access_cidrs[{index}]", cidr,
                        f"{cidr} opens the API endpoint to {2 ** (32 - prefix_length):,} addresses; "
                        f"at most a /{BROADEST_PUBLIC_PREFIX} is allowed")
        if len(set(self.control_plane_log_types)) != len(self.control_plane_log_types):
            problem("duplicate", "control_plane_log_types", self.control_plane_log_types,
                    f"{list(self.control_plane_log_types)} lists a type twice")
        if len(set(self.admin_roles)) != len(self.admin_roles):
            problem("duplicate", "admin_roles", self.admin_roles, f"{list(self.admin_roles)} lists a role twice")
        for role, namespaces in self.deployer_roles.items():
            if role in self.admin_roles:
                problem("access", f"deployer_roles.{role}", namespaces,
                        "is also in admin_roles; a role gets either cluster-admin or namespace edit")
            if not namespaces:
                problem("access", f"deployer_roles.{role}", namespaces,
                        "lists no namespace; name the namespaces it deploys to")
            for index, namespace in enumerate(namespaces):
                reason = reserved_namespace_reason(namespace)
                if reason is not None:
                    problem("access", f"deployer_roles.{role}[{index}]", namespace,
                            f"{reason}; a team gets edit rights in its own application namespaces only")
        if SYSTEM_NODE_GROUP in self.node_groups:
            problem("node-group-name", f"node_groups.{SYSTEM_NODE_GROUP}", self.node_groups[SYSTEM_NODE_GROUP],
                    f"the name {SYSTEM_NODE_GROUP!r} is reserved for system_node_group")
        found.extend(self._compute_problems(prefix))
        for name in sorted(set(self.addon_versions) - set(self.addons)):
            problem("addon-version", f"addon_versions.{name}", self.addon_versions[name],
                    f"pins an add-on this cluster does not install (compute = {self.compute!r}); installed: "
                    f"{', '.join(self.addons)}")
        for group_name, group in self.node_groups.items():
            found.extend(group.problems(f"{prefix}node_groups.{group_name}."))
        return found

    @property
    def auto_mode(self) -> bool:
        """Whether EKS Auto Mode runs the nodes."""
        return self.compute == "auto-mode"

    @property
    def effective_node_pools(self) -> tuple[AutoModeNodePool, ...]:
        """The Auto Mode node pools (empty with ``node-groups``)."""
        if not self.auto_mode:
            return ()
        return self.node_pools if self.node_pools is not None else ("general-purpose", "system")

    @property
    def addons(self) -> tuple[AddonName, ...]:
        """Managed add-ons installed, in creation order: Auto Mode builds in networking, DNS, Pod Identity and
        storage, so it needs only the metrics source (and Container Insights when on)."""
        core: tuple[AddonName, ...] = () if self.auto_mode else (
            "vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver")
        insights: tuple[AddonName, ...] = ("amazon-cloudwatch-observability",) if self.container_insights else ()
        return (*core, "metrics-server", *insights)

    def _compute_problems(self, prefix: str) -> list[Problem]:
        found = []

        def problem(field: str, value: object, message: str, code: str = "eks.compute") -> None:
            found.append(Problem(code, f"{prefix}{field}", value, message))

        if self.auto_mode:
            if self.system_node_group is not None:
                problem("system_node_group", self.system_node_group, "applies only to compute = 'node-groups'; Auto "
                        "Mode runs the cluster add-ons on its 'system' node pool")
            if self.node_pools is not None and not self.node_pools:
                problem("node_pools", self.node_pools, "lists no node pool; Auto Mode then starts no node for any pod")
            if self.node_pools is not None and len(set(self.node_pools)) != len(self.node_pools):
                problem("node_pools", self.node_pools, f"{list(self.node_pools)} lists a pool twice")
            return found
        if self.node_pools is not None:
            problem("node_pools", self.node_pools, "applies only to compute = 'auto-mode'")
        if self.system_node_group is None:
            problem("system_node_group", None, "is required with compute = 'node-groups': CoreDNS and the other "
                    "add-ons need nodes")
            return found
        if self.system_node_group.min_size < 1:
            problem("system_node_group.min_size", self.system_node_group.min_size,
                    f"{self.system_node_group.min_size}: must be at least 1, or CoreDNS has nowhere to run",
                    code="eks.node-sizes")
        found.extend(self.system_node_group.problems(f"{prefix}system_node_group."))
        return found
