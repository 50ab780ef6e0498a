"""Props of the Redis/Valkey cache (ElastiCache)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from platform_constructs.data.windows import daily_window_rule, refuse_overlap, weekly_window_rule
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr

Engine = Literal["valkey", "redis"]
CacheLogType = Literal["slow-log", "engine-log"]

#: Oldest version per engine: RBAC with IAM-authenticated users needs Valkey 7.2+ or Redis OSS 7.0+.
OLDEST_VERSION: dict[str, tuple[int, int]] = {"valkey": (7, 2), "redis": (7, 0)}
#: ElastiCache's Redis OSS line ends at 7.1; newer versions exist only as Valkey.
NEWEST_REDIS_VERSION = (7, 1)
#: ACL tokens that set, reset or drop passwords: ElastiCache manages credentials outside the access string.
_CREDENTIAL_TOKENS = ("nopass", "resetpass", "reset")
_CREDENTIAL_PREFIXES = (">", "<", "#", "!")
_VERSION = re.compile(r"^(\d+)\.(\d+)$")

#: ElastiCache needs at least an hour for each window.
SnapshotWindow = Annotated[StrictStr, daily_window_rule(60)]
MaintenanceWindow = Annotated[StrictStr, weekly_window_rule(60)]


class CacheUser(Props):
    """An IAM-authenticated cache user: a workload signs in with a SigV4 token, never a password."""

    name: StrictStr = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    """Short name; the ElastiCache user id and user name are ``<prefix>-<env>-redis-<name>``. Default: required."""
    access_string: StrictStr = "on ~* +@all -@dangerous"
    """Valkey/Redis ACL rules of the user (keys, commands), without passwords.
    Default: ``on ~* +@all -@dangerous`` (every key, no administrative commands)."""

    @field_validator("name")
    @classmethod
    def _not_the_default_user(cls, value: str) -> str:
        if value == "default":
            raise ValueError("'default' is reserved: the construct creates a disabled default user itself")
        return value

    @field_validator("access_string")
    @classmethod
    def _enabled_and_password_free(cls, value: str) -> str:
        tokens = value.split()
        if not tokens or tokens[0] != "on":
            raise ValueError("must start with 'on' (a user switched off cannot connect)")
        for token in tokens:
            if token in _CREDENTIAL_TOKENS or token.startswith(_CREDENTIAL_PREFIXES):
                raise ValueError(f"contains {token!r}: passwords never go in an access string; "
                                 "users authenticate with IAM")
        return value


class RedisProps(Props):
    """Settings of the Redis/Valkey cache (ElastiCache); tier defaults live in ``config/presets/redis.toml``.

    One shard (cluster mode disabled) of ``node_count`` nodes: a primary and its replicas. The model
    defaults are the secure production shape; the dev preset scales them down.
    """

    enabled: StrictBool = True
    """Whether the environment has this cache; applications can declare a use of it only when it does.
    Default: ``True``."""
    engine: Engine = "valkey"
    """Cache engine; Valkey is the open-source fork and costs less than Redis OSS. Default: ``valkey``."""
    engine_version: StrictStr = Field(default="8.0", validate_default=True)
    """``major.minor`` engine version, e.g. ``8.0``; the parameter-group family (``valkey8``) is derived
    from it. Default: ``8.0``."""
    node_type: StrictStr = Field(default="cache.m7g.large", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$",
                                 json_schema_extra=MAY_DIFFER)
    """Node type, e.g. ``cache.t4g.micro``. Default: ``cache.m7g.large``."""
    node_count: StrictInt = Field(default=3, ge=1, le=6, json_schema_extra=MAY_DIFFER)
    """Nodes in the shard: one primary plus ``node_count - 1`` replicas. Default: 3."""
    automatic_failover: StrictBool = Field(default=True, validate_default=True)
    """Promote a replica when the primary fails; needs ``node_count >= 2``. Default: ``True``."""
    multi_az: StrictBool = Field(default=True, validate_default=True)
    """Spread the nodes over zones and fail over across them; needs ``automatic_failover``. Default: ``True``."""
    port: StrictInt = Field(default=6379, ge=1024, le=65535)
    """TCP port of the cache. Default: 6379."""
    snapshot_retention_days: StrictInt = Field(default=15, ge=0, le=35, json_schema_extra=MAY_DIFFER)
    """Days of daily snapshots kept; 0 turns snapshots off. Default: 15."""
    snapshot_window: SnapshotWindow = Field(default="03:00-04:00", json_schema_extra=MAY_DIFFER)
    """Daily snapshot window (UTC), at least 60 minutes. Default: ``03:00-04:00``."""
    maintenance_window: MaintenanceWindow = Field(default="sun:05:00-sun:06:00", validate_default=True,
                                                  json_schema_extra=MAY_DIFFER)
    """Weekly maintenance window (UTC), 60 minutes to 24 hours, not overlapping ``snapshot_window``.
    Default: ``sun:05:00-sun:06:00``."""
    apply_immediately: StrictBool = False
    """Apply modifications now instead of in the maintenance window. Default: ``False``."""
    deletion_protection: StrictBool = True
    """ElastiCache has no deletion-protection flag: ``True`` sets Terraform ``prevent_destroy`` and takes a
    final snapshot on delete; ``False`` deletes without one. Default: ``True``."""
    log_types: tuple[CacheLogType, ...] = ("slow-log", "engine-log")
    """Logs delivered to CloudWatch (``/aws/elasticache/<id>/<log>``, JSON). Default: slow log and engine log."""
    users: tuple[CacheUser, ...] = ()
    """IAM-authenticated users besides those of the applications (each ``[apps.<name>.uses.redis]`` adds its own);
    the ``default`` user is always disabled. Default: none."""
    parameters: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    """Parameter-group settings, e.g. ``maxmemory-policy``. Default: the engine defaults."""

    @field_validator("engine_version")
    @classmethod
    def _version_supports_iam_users(cls, value: str, info: ValidationInfo) -> str:
        match = _VERSION.match(value)
        if match is None:
            raise ValueError("must be a major.minor version such as '8.0'")
        engine = info.data.get("engine")
        version = (int(match.group(1)), int(match.group(2)))
        oldest = OLDEST_VERSION.get(engine or "")
        if oldest is not None and version < oldest:
            raise ValueError(f"{engine} {value} is older than {oldest[0]}.{oldest[1]}, the first {engine} version "
                             "with IAM-authenticated RBAC users")
        if engine == "redis" and version > NEWEST_REDIS_VERSION:
            newest = ".".join(str(part) for part in NEWEST_REDIS_VERSION)
            raise ValueError(f"redis {value} does not exist on ElastiCache (Redis OSS ends at {newest}); "
                             "use engine 'valkey' for newer versions")
        return value

    @field_validator("automatic_failover")
    @classmethod
    def _failover_needs_a_replica(cls, value: bool, info: ValidationInfo) -> bool:
        nodes = info.data.get("node_count")
        if value and nodes is not None and nodes < 2:
            raise ValueError(f"needs node_count >= 2 (a replica to promote); node_count is {nodes}")
        return value

    @field_validator("multi_az")
    @classmethod
    def _multi_az_needs_failover(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("automatic_failover") is False:
            raise ValueError("needs automatic_failover = true (ElastiCache fails over across zones only automatically)")
        return value

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_after_snapshot(cls, value: str, info: ValidationInfo) -> str:
        return refuse_overlap("snapshot_window", info.data.get("snapshot_window"), value)

    @field_validator("log_types")
    @classmethod
    def _log_types_are_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists a log type more than once")
        return value

    @field_validator("users")
    @classmethod
    def _user_names_are_unique(cls, value: tuple[CacheUser, ...]) -> tuple[CacheUser, ...]:
        names = [user.name for user in value]
        if duplicates := sorted({name for name in names if names.count(name) > 1}):
            raise ValueError(f"names {', '.join(duplicates)} more than once")
        return value

    @property
    def parameter_group_family(self) -> str:
        """ElastiCache parameter-group family of ``engine`` and ``engine_version``, e.g. ``valkey8``."""
        return f"{self.engine}{self.engine_version.split('.')[0]}"
