"""The grants one application needs inside the data stores, as a plan its grant job applies (no cdktf).

The plan is JSON, read by ``platformctl data-grants apply`` inside the job (docs/decisions/0010-in-store-grants.md).
It holds names, addresses and ARNs, never a secret: the job reads the PostgreSQL master password from Secrets
Manager itself, and assumes the OpenSearch master role itself.

- ``postgres``: the user (``rds_iam``, no password), its schema and privileges. A read-write user owns its schema;
  a read-only user reads the schema of the application that owns it (or of the master user when none does).
- ``search``: the OpenSearch role ``<prefix>-<env>-<app>`` with index permissions on the declared indices, and
  its mapping to the application's pod role (a backend role).
- ``kafka``: the declared topics with their partitions and replication factor (created, or grown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from platform_constructs.config.schema import EnvironmentConfig

#: Version of the plan format; the runner refuses any other.
PLAN_VERSION = 1
#: OpenSearch action groups per access mode (the security plugin's built-in groups).
SEARCH_INDEX_ACTIONS = {"read": ("read", "indices:admin/mappings/get"),
                        "read-write": ("crud", "create_index", "indices:admin/mappings/get",
                                       "indices:admin/mapping/put")}
#: Cluster-level actions every searching client needs (multi-index searches, bulk requests).
SEARCH_CLUSTER_ACTIONS = ("cluster_composite_ops",)


def schema_owner(env: EnvironmentConfig, schema: str) -> str | None:
    """The database user that owns ``schema`` (the application using it read-write), or ``None`` (the master)."""
    for _, workload in sorted(env.apps.items()):
        use = workload.uses.postgres
        if use is not None and use.access == "read-write" and use.schema_in_use == schema:
            return use.user
    return None


def search_role_name(prefix: str, environment: str, app: str) -> str:
    """The OpenSearch role of an application: ``<prefix>-<env>-<app>``."""
    return f"{prefix}-{environment}-{app}"


def grants_plan(env: EnvironmentConfig, app: str, *, region: str, pod_role_arn: str,
                endpoints: dict[str, Any]) -> dict[str, Any]:
    """The plan of ``app``'s in-store grants.

    Args:
        env: the environment's configuration.
        app: the application.
        region: the AWS region (a token is fine).
        pod_role_arn: the application's pod role, mapped to its OpenSearch role.
        endpoints: per used store, what the job connects to: ``postgres`` (``host``, ``master_secret_arn``),
            ``search`` (``endpoint``, ``master_role_arn``), ``kafka`` (``bootstrap_brokers``).
    """
    uses = env.apps[app].uses
    plan: dict[str, Any] = {"version": PLAN_VERSION, "application": app, "region": region}
    if (database := uses.postgres) is not None:
        plan["postgres"] = {
            **endpoints["postgres"], "port": env.postgres.port, "database": env.postgres.database_name,
            "master_user": env.postgres.master_username, "user": database.user, "schema": database.schema_in_use,
            "access": database.access, "schema_owner": schema_owner(env, database.schema_in_use),
        }
    if (search := uses.search) is not None:
        plan["search"] = {
            **endpoints["search"], "role": search_role_name(env.naming.prefix, env.name, app),
            "backend_role": pod_role_arn, "indices": list(search.indices),
            "index_actions": list(SEARCH_INDEX_ACTIONS[search.access]), "cluster_actions": list(SEARCH_CLUSTER_ACTIONS),
        }
    if uses.kafka is not None:
        plan["kafka"] = {
            **endpoints["kafka"],
            "topics": [{"name": topic, "partitions": env.kafka.topics[topic].partitions,
                        "replication_factor": env.kafka.topic_replication_factor(topic)}
                       for topic in uses.kafka.topics],
        }
    return plan
