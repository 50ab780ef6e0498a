"""Emulator adjustments for Amazon EKS: cluster and node-group descriptions, add-ons, access
entries, access policies, Pod Identity associations and updates.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from urllib.parse import unquote

from local_aws.adjustments import adjustment, error_class, public_fields

ResourceNotFoundException = error_class("ResourceNotFoundException")
ResourceInUseException = error_class("ResourceInUseException")
InvalidRequestException = error_class("InvalidRequestException")

#: Versions of each add-on DescribeAddonVersions offers, newest first; the last is EKS's default (what an
#: add-on created without a version gets).
ADDON_VERSIONS = {
    "vpc-cni": ("v1.20.1-eksbuild.1", "v1.19.5-eksbuild.1"),
    "coredns": ("v1.12.1-eksbuild.2", "v1.11.4-eksbuild.10"),
    "kube-proxy": ("v1.33.0-eksbuild.2", "v1.32.3-eksbuild.7"),
    "eks-pod-identity-agent": ("v1.3.8-eksbuild.2", "v1.3.7-eksbuild.2"),
    "aws-ebs-csi-driver": ("v1.45.0-eksbuild.2", "v1.44.0-eksbuild.1"),
    "amazon-cloudwatch-observability": ("v4.2.0-eksbuild.1", "v4.1.0-eksbuild.1"),
    "metrics-server": ("v0.8.0-eksbuild.1", "v0.7.2-eksbuild.3"),
}
DEFAULT_ADDON_VERSIONS = {name: versions[-1] for name, versions in ADDON_VERSIONS.items()}
#: Settings a cluster reports as they were requested (EKS Auto Mode's capabilities among them).
_ROUND_TRIPPED = (("upgradePolicy", "upgrade_policy"), ("zonalShiftConfig", "zonal_shift_config"),
                  ("computeConfig", "compute_config"), ("storageConfig", "storage_config"))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _store(backend: Any) -> dict[str, Any]:
    """What this module keeps per EKS backend (account and region)."""
    if not hasattr(backend, "_local_aws"):
        backend._local_aws = {"addons": {}, "access_entries": {}, "associations": {}, "updates": {},
                              "cluster_security_groups": {}}
    store: dict[str, Any] = backend._local_aws
    return store


def _param(response: Any, name: str) -> Any:
    value = response._get_param(name)
    return unquote(value) if isinstance(value, str) else value


def _cluster(response: Any, name: str | None = None) -> Any:
    name = name or _param(response, "name")
    cluster = response.eks_backend.clusters.get(name)
    if cluster is None:
        raise ResourceNotFoundException(f"No cluster found for name: {name}.")
    return cluster


def _update(backend: Any, update_type: str, params: list[dict[str, str]]) -> dict[str, Any]:
    """A completed update, as DescribeUpdate reports it once EKS has applied the change."""
    update = {"id": str(uuid.uuid4()), "status": "Successful", "type": update_type, "params": params,
              "createdAt": _now(), "errors": []}
    _store(backend)["updates"][update["id"]] = update
    return update


def _ec2(backend: Any) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[backend.account_id][backend.region_name]


@adjustment(
    "eks-cluster-description",
    "A cluster reports what it was created with — accessConfig, upgradePolicy, zonalShiftConfig, and "
    "EKS Auto Mode's computeConfig, storageConfig and kubernetesNetworkConfig.elasticLoadBalancing "
    "— and what EKS adds: the VPC id, default endpoint access, and a cluster security group "
    "created in the VPC (removed with the cluster). UpdateClusterConfig merges the changed "
    "settings into the existing ones; UpdateClusterVersion and DescribeUpdate work. (moto drops "
    "these settings, has no cluster security group and replaces resourcesVpcConfig on update.)",
)
def _cluster_description() -> None:  # noqa: PLR0915 - its four handlers are patched in together
    import moto.eks.urls
    from moto.core.responses import ActionResult
    from moto.eks.models import EKSBackend
    from moto.eks.responses import EKSResponse

    original_create = EKSResponse.create_cluster

    def create_cluster(self: EKSResponse) -> ActionResult:
        result = original_create(self)
        cluster = self.eks_backend.clusters[self._get_param("name")]
        access = self._get_param("accessConfig") or {}
        cluster.access_config = {"authenticationMode": access.get("authenticationMode", "CONFIG_MAP"),
                                 "bootstrapClusterCreatorAdminPermissions":
                                     access.get("bootstrapClusterCreatorAdminPermissions", True)}
        cluster.upgrade_policy = self._get_param("upgradePolicy") or {"supportType": "EXTENDED"}
        cluster.zonal_shift_config = self._get_param("zonalShiftConfig") or {"enabled": False}
        cluster.compute_config = self._get_param("computeConfig") or {"enabled": False}
        cluster.storage_config = self._get_param("storageConfig") or {"blockStorage": {"enabled": False}}
        vpc_config = dict(cluster.resources_vpc_config or {})
        subnets = vpc_config.get("subnetIds", [])
        ec2 = _ec2(self.eks_backend)
        vpc_id = ec2.get_subnet(subnets[0]).vpc_id if subnets else None
        group = ec2.create_security_group(
            name=f"eks-cluster-sg-{cluster.name}-{uuid.uuid4().hex[:10]}",
            description="EKS created security group applied to ENI that is attached to EKS Control Plane master "
                        "nodes, as well as any managed workloads.",
            vpc_id=vpc_id,
            tags={f"kubernetes.io/cluster/{cluster.name}": "owned", "aws:eks:cluster-name": cluster.name})
        _store(self.eks_backend)["cluster_security_groups"][cluster.name] = group.id
        public = vpc_config.get("endpointPublicAccess", True)
        vpc_config.update({
            "vpcId": vpc_id, "clusterSecurityGroupId": group.id,
            "securityGroupIds": vpc_config.get("securityGroupIds", []),
            "endpointPublicAccess": public, "endpointPrivateAccess": vpc_config.get("endpointPrivateAccess", False),
            "publicAccessCidrs": vpc_config.get("publicAccessCidrs", ["0.0.0.0/0"]) if public else [],
        })
        cluster.resources_vpc_config = vpc_config
        network_config: dict[str, Any] = {"ipFamily": "ipv4", "elasticLoadBalancing": {"enabled": False},
                                          **(cluster.kubernetes_network_config or {})}
        cluster.kubernetes_network_config = network_config
        return result

    def update_cluster_config(self: EKSResponse) -> ActionResult:
        cluster = _cluster(self)
        changes: list[dict[str, str]] = []
        vpc_config = self._get_param("resourcesVpcConfig")
        if vpc_config:
            cluster.resources_vpc_config = {**cluster.resources_vpc_config, **vpc_config}
            changes += [{"type": key, "value": str(value)} for key, value in vpc_config.items()]
        if self._get_param("logging"):
            cluster.logging = self._get_param("logging")
            changes.append({"type": "ClusterLogging", "value": str(cluster.logging)})
        access = self._get_param("accessConfig")
        if access:
            cluster.access_config = {**cluster.access_config, **access}
            changes.append({"type": "AuthenticationMode", "value": access.get("authenticationMode", "")})
        for key, attribute in _ROUND_TRIPPED:
            if self._get_param(key):
                setattr(cluster, attribute, self._get_param(key))
                changes.append({"type": key, "value": str(self._get_param(key))})
        network = self._get_param("kubernetesNetworkConfig")
        if network:
            cluster.kubernetes_network_config = {**cluster.kubernetes_network_config, **network}
            changes.append({"type": "KubernetesNetworkConfig", "value": str(network)})
        return ActionResult({"update": _update(self.eks_backend, "ConfigUpdate", changes)})

    def update_cluster_version(self: EKSResponse) -> ActionResult:
        cluster = _cluster(self)
        cluster.version = self._get_param("version")
        return ActionResult({"update": _update(self.eks_backend, "VersionUpdate",
                                               [{"type": "Version", "value": cluster.version}])})

    def describe_update(self: EKSResponse) -> ActionResult:
        update_id = _param(self, "updateId")
        update = _store(self.eks_backend)["updates"].get(update_id)
        if update is None:
            raise ResourceNotFoundException(f"No update found for ID: {update_id}.")
        return ActionResult({"update": update})

    original_delete = EKSBackend.delete_cluster

    def delete_cluster(self: EKSBackend, name: str) -> Any:
        store = _store(self)
        cluster = original_delete(self, name)
        for key in ("addons", "access_entries", "associations"):  # EKS deletes them with the cluster
            store[key].pop(name, None)
        group_id = store["cluster_security_groups"].pop(name, None)
        if group_id:
            _ec2(self).delete_security_group(group_id=group_id)
        return cluster

    EKSResponse.create_cluster = create_cluster
    EKSResponse.update_cluster_config = update_cluster_config
    EKSResponse.update_cluster_version = update_cluster_version
    EKSResponse.describe_update = describe_update
    EKSBackend.delete_cluster = delete_cluster
    moto.eks.urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/updates$": EKSResponse.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": EKSResponse.dispatch,
    })


@adjustment(
    "eks-nodegroup-as-requested",
    "A managed node group reports what it was created with and nothing else: no remoteAccess "
    "unless requested, no diskSize with a launch template, its updateConfig and "
    "nodeRepairConfig, the cluster's Kubernetes version; UpdateNodegroupConfig/Version return "
    "updates DescribeUpdate knows. (moto invents an SSH key — a perpetual replacement for "
    "Terraform — and drops updateConfig and nodeRepairConfig.)",
)
def _nodegroup_as_requested() -> None:
    import moto.eks.urls
    from moto.core.responses import ActionResult
    from moto.eks.responses import EKSResponse

    original_create = EKSResponse.create_nodegroup

    def create_nodegroup(self: EKSResponse) -> ActionResult:
        cluster = _cluster(self)
        result = original_create(self)
        nodegroup = cluster.nodegroups[self._get_param("nodegroupName")]
        nodegroup.remote_access = self._get_param("remoteAccess")
        if self._get_param("launchTemplate"):
            nodegroup.disk_size = self._get_param("diskSize")
        if not nodegroup.remote_access:
            nodegroup.resources = {"autoScalingGroups": nodegroup.resources["autoScalingGroups"]}
        nodegroup.update_config = self._get_param("updateConfig") or {"maxUnavailable": 1}
        nodegroup.node_repair_config = self._get_param("nodeRepairConfig") or {"enabled": False}
        nodegroup.version = self._get_param("version") or cluster.version
        nodegroup.release_version = self._get_param("releaseVersion") or f"{nodegroup.version}.0-20250101"
        return result

    original_update_config = EKSResponse.update_nodegroup_config

    def update_nodegroup_config(self: EKSResponse) -> ActionResult:
        original_update_config(self)
        return ActionResult({"update": _update(self.eks_backend, "ConfigUpdate", [])})

    def update_nodegroup_version(self: EKSResponse) -> ActionResult:
        nodegroup = _cluster(self).nodegroups.get(_param(self, "nodegroupName"))
        if nodegroup is None:
            raise ResourceNotFoundException(f"No node group found for name: {_param(self, 'nodegroupName')}.")
        for key, attribute in (("version", "version"), ("releaseVersion", "release_version"),
                               ("launchTemplate", "launch_template")):
            if self._get_param(key):
                setattr(nodegroup, attribute, self._get_param(key))
        return ActionResult({"update": _update(self.eks_backend, "VersionUpdate", [])})

    EKSResponse.create_nodegroup = create_nodegroup
    EKSResponse.update_nodegroup_config = update_nodegroup_config
    EKSResponse.update_nodegroup_version = update_nodegroup_version
    moto.eks.urls.url_paths[
        "{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$"] = EKSResponse.dispatch


@adjustment(
    "eks-addons",
    "Managed add-ons exist: Create/Describe/Update/Delete/ListAddons and DescribeAddonVersions (newest "
    "version first, one marked default for the requested Kubernetes version); an add-on with "
    "podIdentityAssociations owns those associations (moto has no add-ons).",
)
def _addons() -> None:
    import moto.eks.urls
    from moto.core.responses import ActionResult
    from moto.eks.responses import EKSResponse

    def addons(self: EKSResponse, cluster_name: str) -> dict[str, dict[str, Any]]:
        _cluster(self, cluster_name)
        by_name: dict[str, dict[str, Any]] = _store(self.eks_backend)["addons"].setdefault(cluster_name, {})
        return by_name

    def find(self: EKSResponse) -> dict[str, Any]:
        name = _param(self, "addonName")
        addon = addons(self, _param(self, "name")).get(name)
        if addon is None:
            raise ResourceNotFoundException(f"No addon: {name} found in cluster: {_param(self, 'name')}")
        return addon

    def associate(self: EKSResponse, cluster: Any, addon: dict[str, Any], wanted: list[dict[str, str]]) -> None:
        owned = _store(self.eks_backend)["associations"].setdefault(cluster.name, {})
        for association_id in [i for i, a in owned.items() if a.get("ownerArn") == addon["addonArn"]]:
            del owned[association_id]
        addon["podIdentityAssociations"] = [
            _new_association(self.eks_backend, cluster, namespace="kube-system", service_account=item["serviceAccount"],
                             role_arn=item["roleArn"], owner_arn=addon["addonArn"])["associationArn"]
            for item in wanted]

    def create_addon(self: EKSResponse) -> ActionResult:
        cluster = _cluster(self)
        name = self._get_param("addonName")
        existing = addons(self, cluster.name)
        if name in existing:
            raise ResourceInUseException(f"Addon already exists with name: {name} in cluster {cluster.name}")
        backend = self.eks_backend
        addon = {
            "addonName": name, "clusterName": cluster.name, "status": "ACTIVE",
            "addonVersion": self._get_param("addonVersion") or DEFAULT_ADDON_VERSIONS.get(name, "v1.0.0-eksbuild.1"),
            "health": {"issues": []}, "createdAt": _now(), "modifiedAt": _now(),
            "addonArn": f"arn:aws:eks:{backend.region_name}:{backend.account_id}:addon/{cluster.name}/{name}/"
                        f"{uuid.uuid4()}",
            "serviceAccountRoleArn": self._get_param("serviceAccountRoleArn"),
            "configurationValues": self._get_param("configurationValues"), "tags": self._get_param("tags") or {},
            "podIdentityAssociations": [],
        }
        existing[name] = addon
        associate(self, cluster, addon, self._get_param("podIdentityAssociations") or [])
        return ActionResult({"addon": addon})

    def describe_addon(self: EKSResponse) -> ActionResult:
        return ActionResult({"addon": find(self)})

    def list_addons(self: EKSResponse) -> ActionResult:
        return ActionResult({"addons": sorted(addons(self, _param(self, "name")))})

    def update_addon(self: EKSResponse) -> ActionResult:
        addon = find(self)
        for key in ("addonVersion", "serviceAccountRoleArn", "configurationValues"):
            if self._get_param(key) is not None:
                addon[key] = self._get_param(key)
        if self._get_param("podIdentityAssociations") is not None:
            associate(self, _cluster(self), addon, self._get_param("podIdentityAssociations"))
        addon["modifiedAt"] = _now()
        return ActionResult({"update": _update(self.eks_backend, "AddonUpdate",
                                               [{"type": "AddonVersion", "value": addon["addonVersion"]}])})

    def delete_addon(self: EKSResponse) -> ActionResult:
        addon = find(self)
        del addons(self, addon["clusterName"])[addon["addonName"]]
        owned = _store(self.eks_backend)["associations"].get(addon["clusterName"], {})
        for association_id in [i for i, a in owned.items() if a.get("ownerArn") == addon["addonArn"]]:
            del owned[association_id]
        return ActionResult({"addon": {**addon, "status": "DELETING"}})

    def describe_addon_versions(self: EKSResponse) -> ActionResult:
        wanted = self._get_param("addonName")
        cluster_version = self._get_param("kubernetesVersion") or "1.33"
        found = [{"addonName": name, "type": "networking", "owner": "aws", "publisher": "eks",
                  "addonVersions": [{"addonVersion": version, "architecture": ["amd64", "arm64"],
                                     "compatibilities": [{"clusterVersion": cluster_version,
                                                          "defaultVersion": version == DEFAULT_ADDON_VERSIONS[name]}]}
                                    for version in versions]}
                 for name, versions in ADDON_VERSIONS.items() if wanted in (None, name)]
        return ActionResult({"addons": found})

    for handler in (create_addon, describe_addon, list_addons, update_addon, delete_addon, describe_addon_versions):
        setattr(EKSResponse, handler.__name__, handler)
    moto.eks.urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/addons$": EKSResponse.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$": EKSResponse.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$": EKSResponse.dispatch,
        "{0}/addons/supported-versions$": EKSResponse.dispatch,
    })


def _new_association(backend: Any, cluster: Any, *, namespace: str, service_account: str, role_arn: str,
                     owner_arn: str | None = None, tags: dict[str, str] | None = None) -> dict[str, Any]:
    association_id = f"a-{uuid.uuid4().hex[:17]}"
    association = {
        "clusterName": cluster.name, "namespace": namespace, "serviceAccount": service_account, "roleArn": role_arn,
        "associationArn": f"arn:aws:eks:{backend.region_name}:{backend.account_id}:podidentityassociation/"
                          f"{cluster.name}/{association_id}",
        "associationId": association_id, "tags": tags or {}, "createdAt": _now(), "modifiedAt": _now(),
        "disableSessionTags": False,
    }
    if owner_arn:
        association["ownerArn"] = owner_arn
    _store(backend)["associations"].setdefault(cluster.name, {})[association_id] = association
    return association


@adjustment(
    "eks-pod-identity-associations",
    "Pod Identity associations exist: Create/Describe/Update/Delete/ListPodIdentityAssociations; "
    "one service account of a namespace has at most one (moto has none).",
)
def _pod_identity_associations() -> None:
    import moto.eks.urls
    from moto.core.responses import ActionResult
    from moto.eks.responses import EKSResponse

    def associations(self: EKSResponse) -> dict[str, dict[str, Any]]:
        store = _store(self.eks_backend)
        by_name: dict[str, dict[str, Any]] = store["associations"].setdefault(_cluster(self).name, {})
        return by_name

    def find(self: EKSResponse) -> dict[str, Any]:
        association_id = _param(self, "associationId")
        association = associations(self).get(association_id)
        if association is None:
            raise ResourceNotFoundException(f"Pod identity association {association_id} not found.")
        return association

    def create_pod_identity_association(self: EKSResponse) -> ActionResult:
        cluster = _cluster(self)
        namespace, service_account = self._get_param("namespace"), self._get_param("serviceAccount")
        if any(a["namespace"] == namespace and a["serviceAccount"] == service_account
               for a in associations(self).values()):
            raise ResourceInUseException(f"Association already exists for {namespace}/{service_account}.")
        association = _new_association(self.eks_backend, cluster, namespace=namespace, service_account=service_account,
                                       role_arn=self._get_param("roleArn"), tags=self._get_param("tags"))
        return ActionResult({"association": association})

    def describe_pod_identity_association(self: EKSResponse) -> ActionResult:
        return ActionResult({"association": find(self)})

    def update_pod_identity_association(self: EKSResponse) -> ActionResult:
        association = find(self)
        if self._get_param("roleArn"):
            association["roleArn"] = self._get_param("roleArn")
        association["modifiedAt"] = _now()
        return ActionResult({"association": association})

    def delete_pod_identity_association(self: EKSResponse) -> ActionResult:
        association = find(self)
        del associations(self)[association["associationId"]]
        return ActionResult({"association": association})

    def list_pod_identity_associations(self: EKSResponse) -> ActionResult:
        found = [{key: a[key] for key in ("clusterName", "namespace", "serviceAccount", "associationArn",
                                          "associationId")} | ({"ownerArn": a["ownerArn"]} if "ownerArn" in a else {})
                 for a in associations(self).values()
                 if self._get_param("namespace") in (None, a["namespace"])
                 and self._get_param("serviceAccount") in (None, a["serviceAccount"])]
        return ActionResult({"associations": found})

    for handler in (create_pod_identity_association, describe_pod_identity_association,
                    update_pod_identity_association, delete_pod_identity_association, list_pod_identity_associations):
        setattr(EKSResponse, handler.__name__, handler)
    moto.eks.urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$": EKSResponse.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$": EKSResponse.dispatch,
    })


@adjustment(
    "eks-access-entries",
    "Access entries and access-policy associations exist (Create/Describe/Update/Delete/"
    "ListAccessEntries, Associate/Disassociate/ListAssociatedAccessPolicies); creating one on a "
    "cluster whose authentication mode is CONFIG_MAP is refused, as EKS does (moto has none).",
)
def _access_entries() -> None:
    import moto.eks.urls
    from moto.core.responses import ActionResult, EmptyResult
    from moto.eks.responses import EKSResponse

    def entries(self: EKSResponse) -> dict[str, dict[str, Any]]:
        store = _store(self.eks_backend)
        by_name: dict[str, dict[str, Any]] = store["access_entries"].setdefault(_cluster(self).name, {})
        return by_name

    def principal(self: EKSResponse) -> str:
        path = unquote(self.parsed_url.path)
        return path.split("/access-entries/", 1)[1].split("/access-policies", 1)[0]

    def find(self: EKSResponse) -> dict[str, Any]:
        entry = entries(self).get(principal(self))
        if entry is None:
            raise ResourceNotFoundException(
                f"The specified access entry resource {principal(self)} could not be found.")
        return entry

    def create_access_entry(self: EKSResponse) -> ActionResult:
        cluster = _cluster(self)
        if getattr(cluster, "access_config", {}).get("authenticationMode") == "CONFIG_MAP":
            raise InvalidRequestException("The cluster's authentication mode must be set to one of "
                                          "[API, API_AND_CONFIG_MAP] to perform this operation.")
        principal_arn = self._get_param("principalArn")
        if principal_arn in entries(self):
            raise ResourceInUseException("The specified access entry resource is already in use on this cluster.")
        backend = self.eks_backend
        role_name = principal_arn.rsplit("/", 1)[-1]
        account = principal_arn.split(":")[4]
        entry = {
            "clusterName": cluster.name, "principalArn": principal_arn,
            "kubernetesGroups": self._get_param("kubernetesGroups") or [],
            "accessEntryArn": f"arn:aws:eks:{backend.region_name}:{backend.account_id}:access-entry/{cluster.name}/"
                              f"role/{account}/{role_name}/{uuid.uuid4().hex[:12]}",
            "createdAt": _now(), "modifiedAt": _now(), "tags": self._get_param("tags") or {},
            "username": self._get_param("username") or f"arn:aws:sts::{account}:assumed-role/{role_name}/"
                                                       "{{SessionName}}",
            "type": self._get_param("type") or "STANDARD", "_policies": {},
        }
        entries(self)[principal_arn] = entry
        return ActionResult({"accessEntry": public_fields(entry)})

    def describe_access_entry(self: EKSResponse) -> ActionResult:
        return ActionResult({"accessEntry": public_fields(find(self))})

    def update_access_entry(self: EKSResponse) -> ActionResult:
        entry = find(self)
        for key in ("kubernetesGroups", "username"):
            if self._get_param(key) is not None:
                entry[key] = self._get_param(key)
        entry["modifiedAt"] = _now()
        return ActionResult({"accessEntry": public_fields(entry)})

    def delete_access_entry(self: EKSResponse) -> ActionResult:
        del entries(self)[find(self)["principalArn"]]
        return EmptyResult()

    def list_access_entries(self: EKSResponse) -> ActionResult:
        return ActionResult({"accessEntries": sorted(entries(self))})

    def associate_access_policy(self: EKSResponse) -> ActionResult:
        entry = find(self)
        policy_arn = self._get_param("policyArn")
        scope = self._get_param("accessScope") or {"type": "cluster"}
        association = {"policyArn": policy_arn, "accessScope": {"type": scope["type"],
                                                                "namespaces": scope.get("namespaces", [])},
                       "associatedAt": entry["_policies"].get(policy_arn, {}).get("associatedAt", _now()),
                       "modifiedAt": _now()}
        entry["_policies"][policy_arn] = association
        return ActionResult({"clusterName": entry["clusterName"], "principalArn": entry["principalArn"],
                             "associatedAccessPolicy": association})

    def list_associated_access_policies(self: EKSResponse) -> ActionResult:
        entry = find(self)
        return ActionResult({"clusterName": entry["clusterName"], "principalArn": entry["principalArn"],
                             "associatedAccessPolicies": list(entry["_policies"].values())})

    def disassociate_access_policy(self: EKSResponse) -> ActionResult:
        entry = find(self)
        policy_arn = unquote(self.parsed_url.path).split("/access-policies/", 1)[1]
        if entry["_policies"].pop(policy_arn, None) is None:
            raise ResourceNotFoundException(f"Policy {policy_arn} is not associated with {entry['principalArn']}.")
        return EmptyResult()

    for handler in (create_access_entry, describe_access_entry, update_access_entry, delete_access_entry,
                    list_access_entries, associate_access_policy, list_associated_access_policies,
                    disassociate_access_policy):
        setattr(EKSResponse, handler.__name__, handler)
    moto.eks.urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/access-entries$": EKSResponse.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$": EKSResponse.dispatch,
    })


@adjustment(
    "eks-tags-on-every-resource",
    "TagResource, UntagResource and ListTagsForResource work on node groups, add-ons, access "
    "entries and Pod Identity associations, not only on clusters.",
)
def _tags_on_every_resource() -> None:
    from moto.eks.models import EKSBackend

    def tagged(self: EKSBackend, arn: str) -> dict[str, str] | None:
        for cluster in self.clusters.values():
            if cluster.arn == arn:
                return cluster.tags
            for nodegroup in cluster.nodegroups.values():
                if nodegroup.arn == arn:
                    return nodegroup.tags
        store = _store(self)
        for by_cluster, key in ((store["addons"], "addonArn"), (store["access_entries"], "accessEntryArn"),
                                (store["associations"], "associationArn")):
            for items in by_cluster.values():
                for item in items.values():
                    if item[key] == arn:
                        tags: dict[str, str] = item.setdefault("tags", {})
                        return tags
        return None

    def require(self: EKSBackend, arn: str) -> dict[str, str]:
        tags = tagged(self, arn)
        if tags is None:
            raise ResourceNotFoundException(f"Resource {arn} was not found.")
        return tags

    def tag_resource(self: EKSBackend, resource_arn: str, tags: dict[str, str]) -> None:
        require(self, resource_arn).update(tags)

    def untag_resource(self: EKSBackend, resource_arn: str, tag_keys: list[str]) -> None:
        found = require(self, resource_arn)
        for key in tag_keys if isinstance(tag_keys, list) else [tag_keys]:
            found.pop(key, None)

    def list_tags_for_resource(self: EKSBackend, resource_arn: str) -> dict[str, str]:
        return dict(require(self, resource_arn))

    EKSBackend.tag_resource = tag_resource
    EKSBackend.untag_resource = untag_resource
    EKSBackend.list_tags_for_resource = list_tags_for_resource
