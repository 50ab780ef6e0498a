"""RedisCache: an ElastiCache replication group (Valkey by default) with TLS, a CMK and IAM-authenticated users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from platform_constructs._internal.aws_context import account_id, partition, region_name
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.data.private_data_store import PrivateDataStore
from platform_constructs.data.redis_props import CacheLogType, CacheUser, RedisProps
from platform_constructs.errors import Problem, refuse
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import EncryptedLogGroup, LogSettings
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesReader, PlatformValuesWriter
from platform_constructs.security.grants import Grantee, PolicyStatement, sid
from platform_constructs.security.kms_key import KmsKey

#: ElastiCache limits replication group ids to 40 characters.
_REPLICATION_GROUP_ID_LENGTH = 40
#: Users and the user group are of engine ``redis``: such a group serves Valkey and Redis OSS
#: alike, and unlike a ``valkey`` group it may hold the password-less (and disabled) default user.
_RBAC_ENGINE = "redis"


def replication_group_id(naming: Naming) -> str:
    """The cache's replication group id, ``<prefix>-<env>-redis`` (the name IAM tokens are signed for)."""
    return naming.name("redis", max_length=_REPLICATION_GROUP_ID_LENGTH)


def cache_user_id(naming: Naming, user: str) -> str:
    """User id (= user name, as IAM authentication requires) of the cache user ``user``:
    ``<prefix>-<env>-redis-<user>``."""
    return naming.name(f"redis-{user}")


@dataclass(frozen=True)
class CacheReference:
    """What a client needs of the cache: its endpoints and how to sign in to it as one user with IAM.

    :class:`RedisCache` has one (:attr:`RedisCache.reference`); an application stack builds one from the
    platform's published values with :meth:`from_parameters`. Both grant through the same code.
    """

    partition: str
    region: str
    account_id: str
    naming: Naming
    primary_endpoint: str
    reader_endpoint: str
    port: int

    @classmethod
    def from_parameters(cls, reader: PlatformValuesReader, naming: Naming, props: RedisProps) -> CacheReference:
        """The environment's cache, as its platform stack published it (``props`` give the port)."""
        return cls(partition=partition(reader), region=region_name(reader), account_id=account_id(reader),
                   naming=naming, primary_endpoint=reader.get(table.REDIS_PRIMARY_ENDPOINT),
                   reader_endpoint=reader.get(table.REDIS_READER_ENDPOINT), port=props.port)

    @property
    def replication_group_id(self) -> str:
        """The replication group id."""
        return replication_group_id(self.naming)

    def user_id(self, user: str) -> str:
        """The ElastiCache user id of the short name ``user``."""
        return cache_user_id(self.naming, user)

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:{self.partition}:elasticache:{self.region}:{self.account_id}:{kind}:{name}"

    def grant_connect(self, grantee: Grantee, user: str) -> PolicyStatement:
        """Let ``grantee`` sign in to the replication group as ``user`` (and no other user) with an IAM token."""
        statement = PolicyStatement(sid("redis", "connect", user), ("elasticache:Connect",),
                                    (self._arn("replicationgroup", self.replication_group_id),
                                     self._arn("user", self.user_id(user))))
        grantee.add_to_policy(statement)
        return statement


class RedisCache(PrivateDataStore):
    """One shard (cluster mode disabled) of ``node_count`` nodes in the isolated subnets.

    - Valkey by default (cheaper than Redis OSS); the parameter group is named after its family
      (``<prefix>-<env>-valkey8``) with ``create_before_destroy``, so an engine upgrade never edits a
      group that is in use;
    - TLS required (``transit_encryption_mode = required``) and at-rest encryption with a
      customer-managed rotating key (its own unless ``kms_key`` is given);
    - authentication through an RBAC user group: the mandatory ``default`` user is switched off and
      every application user authenticates with IAM (SigV4 token, :meth:`grant_connect`),
      so no password or AUTH token exists anywhere — and none can be replaced by accident, which
      is how changing an AUTH token used to destroy replication groups;
    - Multi-AZ with automatic failover when the props ask for it (they need two nodes or more);
    - daily snapshots kept ``snapshot_retention_days``; a final snapshot when ``deletion_protection``
      (which also sets Terraform ``prevent_destroy``: ElastiCache has no protection flag of its own);
    - slow and engine logs delivered as JSON to log groups with retention and KMS.

    Node ``i`` of the group is the cache cluster ``<replication-group-id>-00i``
    (:attr:`member_cluster_ids`); ElastiCache names them so, and CloudWatch metrics use these ids.
    """

    protocol_label = "Valkey/Redis"

    def __init__(self, scope: Construct, construct_id: str, *, props: RedisProps, naming: Naming, vpc_id: str,
                 subnet_group_name: str, logs: LogSettings, kms_key: KmsKey | None = None,
                 app_users: Sequence[CacheUser] = ()) -> None:
        super().__init__(scope, construct_id)
        # validate (props were validated when they were built; the applications' users join them here)
        names = [user.name for user in (*props.users, *app_users)]
        if duplicates := sorted({name for name in names if names.count(name) > 1}):
            refuse([Problem("redis.duplicate-user", "app_users", duplicates,
                            f"{', '.join(duplicates)} named more than once (props.users and the applications' users "
                            "share one namespace)")], self.node.path)
        # resolve defaults
        self.props = props
        self._configured_users = (*props.users, *app_users)
        self.replication_group_id: str = replication_group_id(naming)
        self.member_cluster_ids: list[str] = [
            f"{self.replication_group_id}-{number:03d}" for number in range(1, props.node_count + 1)
        ]

        # create resources
        self._create_key_and_security_group(
            naming=naming, component="redis", vpc_id=vpc_id, port=props.port, kms_key=kms_key,
            key_description=f"ElastiCache {self.replication_group_id}: data at rest and snapshots",
        )
        self.parameter_group = self._create_parameter_group(naming)
        self.user_group = self._create_user_group(naming)
        log_groups = self._create_log_groups(logs, {
            log_type: (f"{_pascal(log_type)}Group", f"/aws/elasticache/{self.replication_group_id}/{log_type}")
            for log_type in props.log_types
        })
        self.replication_group = self._create_replication_group(naming, subnet_group_name, log_groups)

        # expose attributes
        self.arn: str = self.replication_group.arn
        self.primary_endpoint: str = self.replication_group.primary_endpoint_address
        self.reader_endpoint: str = self.replication_group.reader_endpoint_address
        self.user_group_id: str = self.user_group.user_group_id
        self.reference = CacheReference(partition=partition(self), region=region_name(self),
                                        account_id=account_id(self), naming=naming,
                                        primary_endpoint=self.primary_endpoint, reader_endpoint=self.reader_endpoint,
                                        port=props.port)

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "replication_group_id": self.replication_group_id,
            "member_cluster_ids": self.member_cluster_ids,
            "primary_endpoint": self.primary_endpoint,
            "reader_endpoint": self.reader_endpoint,
            "port": self.port,
            "security_group_id": self.security_group_id,
            "user_group_id": self.user_group_id,
        }

    def grant_connect(self, grantee: Grantee, user: str) -> PolicyStatement:
        """Let ``grantee`` sign in as the configured user ``user`` (see :meth:`CacheReference.grant_connect`)."""
        if user not in self._users:
            refuse([Problem("redis.unknown-user", "users", user, f"{user!r} is not a user of this cache; "
                            f"configured users: {', '.join(sorted(self._users)) or 'none'}")], self.node.path)
        return self.reference.grant_connect(grantee, user)

    def publish(self, values: PlatformValuesWriter) -> None:
        """Publish what application stacks need to reach this cache."""
        values.publish(table.REDIS_PRIMARY_ENDPOINT, self.primary_endpoint)
        values.publish(table.REDIS_READER_ENDPOINT, self.reader_endpoint)

    def _create_parameter_group(self, naming: Naming) -> aws.elasticache_parameter_group.ElasticacheParameterGroup:
        """The family's parameter group (``<prefix>-<env>-valkey8``), created before the old one is destroyed."""
        family = self.props.parameter_group_family
        group = aws.elasticache_parameter_group
        return group.ElasticacheParameterGroup(
            self, "ParameterGroup", name=naming.name(family.replace(".", "-")), family=family,
            description=f"{family} settings",
            parameter=[group.ElasticacheParameterGroupParameter(name=name, value=value)
                       for name, value in sorted(self.props.parameters.items())] or None,
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )

    def _create_replication_group(
        self, naming: Naming, subnet_group_name: str, log_groups: Mapping[CacheLogType, EncryptedLogGroup],
    ) -> aws.elasticache_replication_group.ElasticacheReplicationGroup:
        """The replication group: TLS required, the store's key at rest, RBAC users only, logs as JSON."""
        props = self.props
        group = aws.elasticache_replication_group
        return group.ElasticacheReplicationGroup(
            self, "ReplicationGroup",
            replication_group_id=self.replication_group_id,
            description=f"{props.engine} cache {self.replication_group_id}",
            engine=props.engine, engine_version=props.engine_version, node_type=props.node_type,
            num_cache_clusters=props.node_count, port=props.port,
            automatic_failover_enabled=props.automatic_failover, multi_az_enabled=props.multi_az,
            parameter_group_name=self.parameter_group.name,
            subnet_group_name=subnet_group_name, security_group_ids=[self.security_group_id],
            at_rest_encryption_enabled="true", kms_key_id=self.kms_key.arn,
            transit_encryption_enabled=True, transit_encryption_mode="required",
            user_group_ids=[self.user_group.user_group_id],
            auto_minor_version_upgrade="true", apply_immediately=props.apply_immediately,
            snapshot_retention_limit=props.snapshot_retention_days, snapshot_window=props.snapshot_window,
            maintenance_window=props.maintenance_window,
            final_snapshot_identifier=naming.name("redis-final") if props.deletion_protection else None,
            log_delivery_configuration=[
                group.ElasticacheReplicationGroupLogDeliveryConfiguration(
                    destination=log_group.name, destination_type="cloudwatch-logs", log_format="json",
                    log_type=log_type,
                )
                for log_type, log_group in log_groups.items()
            ],
            lifecycle=self._lifecycle(deletion_protection=props.deletion_protection),
            tags={"Name": self.replication_group_id},
        )

    def _create_user_group(self, naming: Naming) -> aws.elasticache_user_group.ElasticacheUserGroup:
        """The RBAC user group: the mandatory ``default`` user, switched off, plus one IAM user per configured user
        (``props.users`` and the applications' users)."""
        user = aws.elasticache_user
        default = user.ElasticacheUser(
            self, "DefaultUser", user_id=naming.name("redis-default"), user_name="default", engine=_RBAC_ENGINE,
            access_string="off -@all",
            authentication_mode=user.ElasticacheUserAuthenticationMode(type="no-password-required"),
        )
        self._users: dict[str, aws.elasticache_user.ElasticacheUser] = {}
        for configured in self._configured_users:
            # IAM authentication requires the user name to equal the user id
            user_id = cache_user_id(naming, configured.name)
            self._users[configured.name] = user.ElasticacheUser(
                self, f"User{_pascal(configured.name)}", user_id=user_id, user_name=user_id, engine=_RBAC_ENGINE,
                access_string=configured.access_string,
                authentication_mode=user.ElasticacheUserAuthenticationMode(type="iam"),
            )
        return aws.elasticache_user_group.ElasticacheUserGroup(
            self, "UserGroup", user_group_id=naming.name("redis"), engine=_RBAC_ENGINE,
            user_ids=[default.user_id, *(member.user_id for member in self._users.values())],
        )


def _pascal(name: str) -> str:
    """``slow-log`` → ``SlowLog``: construct ids from dashed names."""
    return "".join(part.capitalize() for part in name.split("-"))
