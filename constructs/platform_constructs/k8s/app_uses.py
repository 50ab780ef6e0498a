"""Props of what an application declares it uses (``[apps.<name>.uses]``): its data stores and the applications it
calls. They sit beside the workload's (:class:`~platform_constructs.k8s.workload_props.WorkloadProps` holds them);
the construct that grants them is in :mod:`platform_constructs.access`, a layer above.

Declared as data, the uses decide everything an application gets and nothing more: the statements of its
pod role (:mod:`platform_constructs.access.application_data_access`), the endpoints in its ConfigMap, the
egress its NetworkPolicies allow, the users and grants inside each store. A store that is not declared is
not reachable: no permission, no endpoint, no network path.

Example (TOML)::

    [apps.orders.uses]
    postgres = { user = "orders", access = "read-write" }
    redis = { user = "orders" }
    kafka = { produce = ["orders.events"], consume = ["payments.events"], group = "orders" }
    search = { indices = ["orders-*"], access = "read" }
    apps = ["payments"]
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from platform_constructs.errors import Problem
from platform_constructs.props import Props, StrictStr, refuse_in_validator
from platform_constructs.streaming.kafka_props import TopicName

#: ``read-write``: the user owns its schema (creates tables in it, reads and writes them);
#: ``read-only``: the user reads the tables of the schema, including tables created later.
PostgresAccess = Literal["read-write", "read-only"]
#: ``read``: GET/HEAD and searches (POST to ``_search``); ``read-write``: also index, update and delete documents.
SearchAccess = Literal["read", "read-write"]
#: How an application uses a topic: the keys of ``[apps.<name>.uses.kafka]`` besides ``group``.
TOPIC_ACCESS_MODES = ("produce", "consume")

#: PostgreSQL roles and prefixes the database reserves or the platform uses itself.
_RESERVED_DB_USER_PREFIXES = ("pg_", "rds")
_RESERVED_DB_USERS = frozenset({"public", "postgres", "platform_admin"})


def _db_user(value: str) -> str:
    if value in _RESERVED_DB_USERS or value.startswith(_RESERVED_DB_USER_PREFIXES):
        raise ValueError(f"{value!r} is reserved by PostgreSQL, RDS or the platform (names starting with "
                         f"{' or '.join(_RESERVED_DB_USER_PREFIXES)}, "
                         f"or one of {', '.join(sorted(_RESERVED_DB_USERS))})")
    return value


def _index_pattern(value: str) -> str:
    if "*" in value[:-1]:
        raise ValueError("may hold '*' only as its last character, after a fixed prefix (e.g. 'orders-*')")
    return value


#: A PostgreSQL user (and schema) name: lower case, so it never needs quoting.
DbUser = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,62}$"), AfterValidator(_db_user)]
#: A cache user's short name (the ElastiCache user is ``<prefix>-<env>-redis-<name>``).
CacheUserName = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=24)]
#: A key pattern of the cache's ACL (``~<pattern>``): no spaces, ``*`` and ``?`` as wildcards.
KeyPattern = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9:_.{}*?-]{1,128}$")]
#: A Kafka consumer group id, restricted like topic names so it fits an ARN.
GroupName = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,249}$")]
#: An OpenSearch index name or pattern: a fixed lower-case prefix, optionally ending in ``*``.
IndexPattern = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,254}\*?$"),
                         AfterValidator(_index_pattern)]
#: An application name (as in ``[apps.<name>]``).
PeerName = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$")]


class PostgresUse(Props):
    """The application signs in to the environment's PostgreSQL database as ``user`` with an IAM token."""

    model_config = ConfigDict(populate_by_name=True)

    user: DbUser
    """Database user; granted ``rds_iam`` so it signs in with IAM tokens only, never a password. One
    application per user. Default: required."""
    access: PostgresAccess = "read-write"
    """``read-write``: the user owns ``schema`` (migrations create tables there); ``read-only``: it may read every
    table of ``schema``. Default: ``read-write``."""
    schema_name: DbUser | None = Field(default=None, alias="schema")
    """Schema the user works in (``schema`` in the file). Default: derived – the user's name."""

    @property
    def schema_in_use(self) -> str:
        """The effective schema."""
        return self.schema_name or self.user


class RedisUse(Props):
    """The application signs in to the environment's Valkey/Redis cache as its own IAM-authenticated user."""

    user: CacheUserName
    """Short user name; the platform stack creates ``<prefix>-<env>-redis-<user>`` in the cache's user group.
    One application per user. Default: required."""
    keys: tuple[KeyPattern, ...] | None = Field(default=None, min_length=1)
    """Key patterns the user may read and write. Default: derived – ``<user>:*`` (its own key prefix)."""

    @property
    def key_patterns(self) -> tuple[str, ...]:
        """The effective key patterns."""
        return self.keys or (f"{self.user}:*",)

    @property
    def access_string(self) -> str:
        """The user's ACL: on, its key patterns, every command but the dangerous ones, no password."""
        return " ".join(["on", *(f"~{pattern}" for pattern in self.key_patterns), "+@all", "-@dangerous"])


class KafkaUse(Props):
    """The application produces to and consumes from named topics of the environment's Kafka cluster."""

    produce: tuple[TopicName, ...] = ()
    """Topics it writes to; each must be declared in ``[kafka.topics]``. Default: none."""
    consume: tuple[TopicName, ...] = ()
    """Topics it reads from, as consumer group ``group``; each must be declared in ``[kafka.topics]``. Default: none."""
    group: GroupName | None = None
    """Its consumer group; required with ``consume``, one application per group. Default: none."""

    @model_validator(mode="before")
    @classmethod
    def _known_access_modes(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - {*TOPIC_ACCESS_MODES, "group"})
            if unknown:
                raise ValueError(f"unknown topic access mode {', '.join(map(repr, unknown))}; a topic is used with "
                                 f"{' or '.join(TOPIC_ACCESS_MODES)} (and consumers name their group)")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> KafkaUse:
        problems = []
        if not self.produce and not self.consume:
            problems.append(Problem("uses.kafka-no-topics", "produce", [],
                                    "name at least one topic to produce to or consume from"))
        if self.consume and self.group is None:
            problems.append(Problem("uses.kafka-group-required", "group", None,
                                    "is required to consume: offsets are committed for a consumer group"))
        if self.group is not None and not self.consume:
            problems.append(Problem("uses.kafka-group-unused", "group", self.group,
                                    "has no effect without topics to consume; remove it"))
        for mode in TOPIC_ACCESS_MODES:
            topics: tuple[str, ...] = getattr(self, mode)
            if len(set(topics)) != len(topics):
                problems.append(Problem("uses.kafka-duplicate-topic", mode, list(topics), "lists a topic twice"))
        refuse_in_validator(type(self).__name__, problems)
        return self

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic used, sorted."""
        return tuple(sorted({*self.produce, *self.consume}))


class SearchUse(Props):
    """The application calls the environment's OpenSearch domain on its own indices, with IAM-signed requests."""

    indices: tuple[IndexPattern, ...] = Field(min_length=1)
    """Index names or patterns (``orders-*``) it may use; a pattern needs a fixed prefix. Default: required."""
    access: SearchAccess = "read"
    """``read`` or ``read-write``. Default: ``read``."""

    @model_validator(mode="after")
    def _unique(self) -> SearchUse:
        if len(set(self.indices)) != len(self.indices):
            refuse_in_validator(type(self).__name__, [
                Problem("uses.search-duplicate-index", "indices", list(self.indices), "lists an index twice")])
        return self


class AppUses(Props):
    """Everything an application may reach besides its own pods (``[apps.<name>.uses]``)."""

    postgres: PostgresUse | None = None
    """Its PostgreSQL user. Default: none (no database access)."""
    redis: RedisUse | None = None
    """Its cache user. Default: none (no cache access)."""
    kafka: KafkaUse | None = None
    """Its topics. Default: none (no Kafka access)."""
    search: SearchUse | None = None
    """Its indices. Default: none (no search access)."""
    apps: tuple[PeerName, ...] = ()
    """Applications of the environment it calls (their NetworkPolicies admit it on their port). Default: none."""

    @property
    def stores(self) -> tuple[DataStore, ...]:
        """Names of the data stores used (``postgres``, ``redis``, ``kafka``, ``search``)."""
        return tuple(name for name in STORES if getattr(self, name) is not None)

    @property
    def any(self) -> bool:
        """Whether any data store is used."""
        return bool(self.stores)


#: A data store of the platform an application may use.
DataStore = Literal["postgres", "redis", "kafka", "search"]
#: The data stores an application may use, in the order they are reported.
STORES: tuple[DataStore, ...] = ("postgres", "redis", "kafka", "search")
