"""Emulator adjustments for ElastiCache: parameter groups, user groups, reader endpoints, replication-group members.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from local_aws.adjustments import adjustment, error_class, public_fields

CacheParameterGroupNotFound = error_class("CacheParameterGroupNotFound")
CacheParameterGroupAlreadyExists = error_class("CacheParameterGroupAlreadyExists")
UserGroupNotFound = error_class("UserGroupNotFound")
UserGroupAlreadyExists = error_class("UserGroupAlreadyExists")
UserNotFound = error_class("UserNotFound")
DefaultUserRequired = error_class("DefaultUserRequired")
CacheSubnetGroupNotFound = error_class("CacheSubnetGroupNotFoundFault")
CacheSubnetGroupInUse = error_class("CacheSubnetGroupInUse")


def _state(backend: Any) -> dict[str, dict[str, Any]]:
    """Per-backend (account and region) stores this module adds."""
    if not hasattr(backend, "_local_aws"):
        backend._local_aws = {"parameter_groups": {}, "user_groups": {}}
    store: dict[str, dict[str, Any]] = backend._local_aws
    return store


def _arn(backend: Any, kind: str, name: str) -> str:
    return f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:{kind}:{name}"


@adjustment(
    "elasticache-tags-on-every-resource",
    "ListTagsForResource and AddTagsToResource accept parameter-group and user-group ARNs "
    "(moto accepts only clusters, snapshots, subnet groups, replication groups and users).",
)
def _tags_on_every_resource() -> None:
    from moto.elasticache.models import ElastiCacheBackend

    original = ElastiCacheBackend.__init__

    def init_with_every_arn(self: ElastiCacheBackend, region_name: str, account_id: str) -> None:
        original(self, region_name, account_id)
        self.arn_regex = re.compile(r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|"
                                    r"replicationgroup|user|usergroup|parametergroup):.*$")

    ElastiCacheBackend.__init__ = init_with_every_arn


@adjustment(
    "elasticache-parameter-groups",
    "Create/Describe/Modify/Reset/DeleteCacheParameterGroup and DescribeCacheParameters work "
    "(moto has no parameter groups); user-set parameters are reported with Source = user.",
)
def _parameter_groups() -> None:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticache.responses import ElastiCacheResponse

    def groups(self: ElastiCacheResponse) -> dict[str, dict[str, Any]]:
        return _state(self.elasticache_backend)["parameter_groups"]

    def find(self: ElastiCacheResponse, name: str) -> dict[str, Any]:
        if name not in groups(self):
            raise CacheParameterGroupNotFound(f"CacheParameterGroup {name} not found.")
        return groups(self)[name]

    def create_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
        params = self._get_params()
        name = params["CacheParameterGroupName"]
        if name in groups(self):
            raise CacheParameterGroupAlreadyExists(f"Parameter group {name} already exists.")
        backend = self.elasticache_backend
        group = {"CacheParameterGroupName": name, "CacheParameterGroupFamily": params["CacheParameterGroupFamily"],
                 "Description": params.get("Description", ""), "IsGlobal": False,
                 "ARN": _arn(backend, "parametergroup", name), "_parameters": {}}
        groups(self)[name] = group
        if params.get("Tags"):
            backend.tagging_service.tag_resource(group["ARN"], params["Tags"])
        return ActionResult({"CacheParameterGroup": public_fields(group)})

    def describe_cache_parameter_groups(self: ElastiCacheResponse) -> ActionResult:
        name = self._get_params().get("CacheParameterGroupName")
        found = [find(self, name)] if name else list(groups(self).values())
        return ActionResult({"CacheParameterGroups": [public_fields(group) for group in found]})

    def modify_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
        params = self._get_params()
        group = find(self, params["CacheParameterGroupName"])
        for item in params.get("ParameterNameValues", []):
            group["_parameters"][item["ParameterName"]] = item["ParameterValue"]
        return ActionResult({"CacheParameterGroupName": group["CacheParameterGroupName"]})

    def reset_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
        params = self._get_params()
        group = find(self, params["CacheParameterGroupName"])
        if params.get("ResetAllParameters"):
            group["_parameters"].clear()
        for item in params.get("ParameterNameValues", []):
            group["_parameters"].pop(item["ParameterName"], None)
        return ActionResult({"CacheParameterGroupName": group["CacheParameterGroupName"]})

    def describe_cache_parameters(self: ElastiCacheResponse) -> ActionResult:
        group = find(self, self._get_params()["CacheParameterGroupName"])
        parameters = [{"ParameterName": name, "ParameterValue": value, "Source": "user", "DataType": "string",
                       "IsModifiable": True, "ChangeType": "immediate"}
                      for name, value in sorted(group["_parameters"].items())]
        return ActionResult({"Parameters": parameters})

    def delete_cache_parameter_group(self: ElastiCacheResponse) -> ActionResult:
        name = self._get_params()["CacheParameterGroupName"]
        find(self, name)
        del groups(self)[name]
        return EmptyResult()

    for handler in (create_cache_parameter_group, describe_cache_parameter_groups, modify_cache_parameter_group,
                    reset_cache_parameter_group, describe_cache_parameters, delete_cache_parameter_group):
        setattr(ElastiCacheResponse, handler.__name__, handler)


@adjustment(
    "elasticache-user-groups",
    "Create/Describe/Modify/DeleteUserGroup work and require a user named default (moto has no "
    "user groups); a replication group using a user group is listed in it.",
)
def _user_groups() -> None:
    from moto.core.responses import ActionResult
    from moto.elasticache.responses import ElastiCacheResponse

    def groups(self: ElastiCacheResponse) -> dict[str, dict[str, Any]]:
        return _state(self.elasticache_backend)["user_groups"]

    def find(self: ElastiCacheResponse, group_id: str) -> dict[str, Any]:
        if group_id not in groups(self):
            raise UserGroupNotFound(f"User group {group_id} not found.")
        return groups(self)[group_id]

    def check_users(self: ElastiCacheResponse, user_ids: list[str]) -> None:
        users = self.elasticache_backend.users
        for user_id in user_ids:
            if user_id not in users:
                raise UserNotFound(f"User {user_id} not found.")
        if user_ids and "default" not in {users[user_id].name for user_id in user_ids}:
            raise DefaultUserRequired("User group needs to contain a user with the user name default.")

    def create_user_group(self: ElastiCacheResponse) -> ActionResult:
        params = self._get_params()
        group_id = params["UserGroupId"]
        if group_id in groups(self):
            raise UserGroupAlreadyExists(f"User group {group_id} already exists.")
        user_ids = params.get("UserIds", [])
        check_users(self, user_ids)
        backend = self.elasticache_backend
        group = {"UserGroupId": group_id, "Status": "active", "Engine": params["Engine"], "UserIds": user_ids,
                 "MinimumEngineVersion": "6.0", "PendingChanges": {}, "ReplicationGroups": [],
                 "ServerlessCaches": [], "ARN": _arn(backend, "usergroup", group_id)}
        groups(self)[group_id] = group
        if params.get("Tags"):
            backend.tagging_service.tag_resource(group["ARN"], params["Tags"])
        return ActionResult(group)

    def describe_user_groups(self: ElastiCacheResponse) -> ActionResult:
        group_id = self._get_params().get("UserGroupId")
        found = [find(self, group_id)] if group_id else list(groups(self).values())
        replication_groups = self.elasticache_backend.replication_groups.values()
        for group in found:
            group["ReplicationGroups"] = sorted(rg.replication_group_id for rg in replication_groups
                                                if group["UserGroupId"] in (rg.user_group_ids or []))
        return ActionResult({"UserGroups": found})

    def modify_user_group(self: ElastiCacheResponse) -> ActionResult:
        params = self._get_params()
        group = find(self, params["UserGroupId"])
        user_ids = [u for u in group["UserIds"] if u not in params.get("UserIdsToRemove", [])]
        user_ids += [u for u in params.get("UserIdsToAdd", []) if u not in user_ids]
        check_users(self, user_ids)
        group["UserIds"] = user_ids
        return ActionResult(group)

    def delete_user_group(self: ElastiCacheResponse) -> ActionResult:
        group = find(self, self._get_params()["UserGroupId"])
        del groups(self)[group["UserGroupId"]]
        return ActionResult({**group, "Status": "deleting"})

    for handler in (create_user_group, describe_user_groups, modify_user_group, delete_user_group):
        setattr(ElastiCacheResponse, handler.__name__, handler)


@adjustment(
    "elasticache-delete-subnet-group",
    "DeleteCacheSubnetGroup deletes an unused subnet group and refuses one a cache cluster still "
    "uses (moto cannot delete subnet groups).",
)
def _delete_subnet_group() -> None:
    from moto.core.responses import EmptyResult
    from moto.elasticache.responses import ElastiCacheResponse

    def delete_cache_subnet_group(self: ElastiCacheResponse) -> EmptyResult:
        backend = self.elasticache_backend
        name = self._get_params()["CacheSubnetGroupName"]
        if name not in backend.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(f"CacheSubnetGroup {name} not found.")
        users = [c.cache_cluster_id for c in backend.cache_clusters.values() if c.cache_subnet_group_name == name]
        if users:
            raise CacheSubnetGroupInUse(f"Cache subnet group {name} is currently in use by {', '.join(users)}.")
        del backend.cache_subnet_groups[name]
        return EmptyResult()

    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group


@adjustment(
    "elasticache-reader-endpoint",
    "A replication group with cluster mode disabled has a reader endpoint (NodeGroups[0].ReaderEndpoint) "
    "whatever its number of replicas; without replicas it resolves to the primary node (moto computes the "
    "address but never returns it, so the provider's reader_endpoint_address is null).",
)
def _reader_endpoint() -> None:
    from moto.elasticache.models import ReplicationGroup

    original = ReplicationGroup.__init__

    def init_with_reader_endpoint(self: ReplicationGroup, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for node_group in self.node_groups:
            if "reader_endpoint_address" in node_group:  # cluster mode disabled: the group's one shard
                node_group["reader_endpoint"] = {"address": node_group["reader_endpoint_address"],
                                                 "port": node_group["port"]}

    ReplicationGroup.__init__ = init_with_reader_endpoint


@adjustment(
    "elasticache-replication-group-members",
    "A replication group (cluster mode disabled) has one member per requested cache cluster, "
    "spread over its subnet group's zones, and they are real cache clusters that "
    "DescribeCacheClusters returns, carrying the group's engine, version, node type, parameter "
    "group, subnet group and security groups; deleting the group deletes them and the group "
    "is gone afterwards (moto creates one member whatever NumCacheClusters says, lists member "
    "ids that do not exist, and keeps deleted groups in status deleting forever).",
)
def _replication_group_members() -> None:
    from moto.elasticache.models import CacheCluster, ElastiCacheBackend

    original_create = ElastiCacheBackend.create_replication_group

    def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> Any:
        group = original_create(self, **kwargs)
        parameter_group = kwargs.get("cache_parameter_group_name") or f"default.{kwargs.get('engine') or 'redis'}"
        zones = kwargs.get("preferred_cache_cluster_azs") or _subnet_group_zones(self, kwargs) or [
            f"{self.region_name}{letter}" for letter in "abc"]
        if group.cluster_mode != "enabled":
            _add_replicas(group, kwargs, zones)
        for index, member_id in enumerate(group.member_clusters):
            member = CacheCluster(
                account_id=self.account_id, region_name=self.region_name, cache_cluster_id=member_id,
                cache_node_type=group.cache_node_type, replication_group_id=group.replication_group_id,
                az_mode="single-az", preferred_availability_zone=zones[index % len(zones)], num_cache_nodes=1,
                engine=group.engine, engine_version=kwargs.get("engine_version"),
                cache_parameter_group_name=parameter_group,
                cache_subnet_group_name=kwargs.get("cache_subnet_group_name"),
                transit_encryption_enabled=group.transit_encryption_enabled, network_type=group.network_type,
                ip_discovery=group.ip_discovery, snapshot_name=None,
                preferred_maintenance_window=kwargs.get("preferred_maintenance_window"), port=group.port,
                notification_topic_arn=kwargs.get("notification_topic_arn"),
                auto_minor_version_upgrade=kwargs.get("auto_minor_version_upgrade"),
                snapshot_retention_limit=group.snapshot_retention_limit, snapshot_window=group.snapshot_window,
                auth_token=None, outpost_mode=None, preferred_outpost_arn=None, preferred_availability_zones=None,
                cache_security_group_names=None, security_group_ids=kwargs.get("security_group_ids"), tags=None,
                snapshot_arns=None, preferred_outpost_arns=None, log_delivery_configurations=[],
                cache_node_ids_to_remove=None, cache_node_ids_to_reboot=None,
            )
            member.replication_group_id = group.replication_group_id
            member.num_cache_nodes = 1
            member.cache_parameter_group = {"CacheParameterGroupName": parameter_group,
                                            "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []}
            member.security_groups = [{"SecurityGroupId": sg, "Status": "active"}
                                      for sg in kwargs.get("security_group_ids") or []]
            member.at_rest_encryption_enabled = group.at_rest_encryption_enabled
            member.transit_encryption_mode = group.transit_encryption_mode
            member.cache_cluster_create_time = datetime.datetime.now(datetime.UTC)
            self.cache_clusters[member_id] = member
        return group

    original_delete = ElastiCacheBackend.delete_replication_group

    def delete_replication_group(self: ElastiCacheBackend, replication_group_id: str,
                                 retain_primary_cluster: bool | None) -> Any:
        group = self.replication_groups.get(replication_group_id)
        members = list(group.member_clusters) if group else []
        deleted = original_delete(self, replication_group_id, retain_primary_cluster)
        for member_id in members:
            self.cache_clusters.pop(member_id, None)
        self.replication_groups.pop(replication_group_id, None)
        return deleted

    # moto spells out every keyword; the wrapper passes them all through
    ElastiCacheBackend.create_replication_group = create_replication_group  # type: ignore[assignment]
    ElastiCacheBackend.delete_replication_group = delete_replication_group


def _subnet_group_zones(backend: Any, kwargs: dict[str, Any]) -> list[str]:
    """Zones of the replication group's subnet group, where ElastiCache places the members."""
    subnet_group = backend.cache_subnet_groups.get(kwargs.get("cache_subnet_group_name") or "")
    if subnet_group is None:
        return []
    return sorted({subnet["subnet_availability_zone"] for subnet in subnet_group.subnets
                   if isinstance(subnet.get("subnet_availability_zone"), str)})


def _add_replicas(group: Any, kwargs: dict[str, Any], zones: list[str]) -> None:
    """One member per requested cache cluster (primary + replicas), spread over ``zones``.

    moto always creates a single member when NumCacheClusters is given.
    """
    wanted = kwargs.get("num_cache_clusters") or (kwargs.get("replicas_per_node_group") or 0) + 1
    node_group = group.node_groups[0]
    primary = node_group["node_group_members"][0]
    primary["preferred_availability_zone"] = zones[0]
    for number in range(len(group.member_clusters) + 1, wanted + 1):
        member_id = f"{group.replication_group_id}-{number:03d}"
        node_group["node_group_members"].append({
            **primary, "cache_cluster_id": member_id, "current_role": "replica",
            "preferred_availability_zone": zones[(number - 1) % len(zones)],
            "read_endpoint": {**primary["read_endpoint"],
                              "address": primary["read_endpoint"]["address"].replace(
                                  primary["cache_cluster_id"], member_id, 1)},
        })
        group.member_clusters.append(member_id)
