"""ApplicationDataAccess: one application reaches the data it declares, and nothing else."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from platform_constructs._internal.aws_context import account_id, region_name
from platform_constructs._internal.structs import struct
from platform_constructs._internal.tf import Construct, Fn, TerraformResource, aws, k8s
from platform_constructs.access.grants_plan import grants_plan
from platform_constructs.access.network_policies import NetworkPolicySet, data_store_ports, namespace_peer
from platform_constructs.compute.pod_identity import PodRole, ServiceAccountRef
from platform_constructs.config.data_access_props import grants_namespace
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.data.postgres import PostgresReference
from platform_constructs.data.redis import CacheReference
from platform_constructs.errors import Problem, refuse
from platform_constructs.k8s.app_uses import AppUses
from platform_constructs.k8s.rolling_deployment import RUN_AS_ID
from platform_constructs.naming import Naming
from platform_constructs.network.props import SubnetTier
from platform_constructs.parameters.platform_values import PlatformValuesReader
from platform_constructs.search.opensearch import SearchReference
from platform_constructs.streaming.kafka import KafkaReference

#: Service account (in ``data-grants-<app>``) and name of every grant job.
GRANT_JOB = "data-grants"
#: Where the job finds its plan.
PLAN_DIRECTORY = "/etc/data-grants"
#: Pod annotation holding the SHA-256 of the endpoints (pods roll when an endpoint changes) or of the grant plan.
CHECKSUM_ANNOTATION = "platform.acme.example/checksum"


@dataclass(frozen=True)
class DataEnvironment:
    """What the data access of every application of one environment shares."""

    config: EnvironmentConfig
    """The environment's configuration: uses, store settings, network plan."""
    naming: Naming
    """Physical names of the environment."""
    cluster_name: str
    """The EKS cluster the pods run on (Pod Identity associations)."""
    platform: PlatformValuesReader
    """The platform values of the environment (endpoints, ARNs)."""

    @functools.cached_property
    def postgres(self) -> PostgresReference:
        """The environment's database, from its published values."""
        return PostgresReference.from_parameters(self.platform, self.config.postgres)

    @functools.cached_property
    def redis(self) -> CacheReference:
        """The environment's cache, from its published values."""
        return CacheReference.from_parameters(self.platform, self.naming, self.config.redis)

    @functools.cached_property
    def kafka(self) -> KafkaReference:
        """The environment's Kafka cluster, from its published values."""
        return KafkaReference.from_parameters(self.platform, self.naming)

    @functools.cached_property
    def search(self) -> SearchReference:
        """The environment's search domain, from its published values."""
        return SearchReference.from_parameters(self.platform, self.naming)


class ApplicationDataAccess(Construct):
    """Everything that lets one application reach the data stores it declares (``[apps.<name>.uses]``).

    - **Identity**: each use adds exactly its statement to the pod role through the store's grant method
      (``rds-db:connect`` on its one database user, ``elasticache:Connect`` on the replication group and its one
      user, ``kafka-cluster`` actions on its topics and group, ``es:ESHttp*`` methods of its access mode on its
      indices).
    - **Endpoints**: a ConfigMap ``<app>-data`` with host, port, database, user, region, TLS requirement and IAM
      authentication of each store, read from the platform's published values; no password, token or key
      exists to put there. :attr:`checksum` changes with any value, so the pods roll.
    - **Network**: default-deny NetworkPolicies in the namespace; the application's pods accept traffic on their
      port only from the load balancer's subnets (with an HTTPS entry) and from the applications that declare
      they call it, and send only DNS, Pod Identity credential requests, the used stores' ports (to the isolated
      subnets), the called applications' ports and, with ``pod_policy_arns``, HTTPS to AWS APIs.
    - **In-store grants**: a Job in ``data-grants-<app>`` (a namespace no team may edit) applies the grant plan
      (:mod:`~platform_constructs.access.grants_plan`) with its own Pod Identity role, which may read the
      database's master secret, assume the search master role or manage the application's topics – each only
      when used. The Deployment waits for it (:attr:`prerequisites`). docs/decisions/0010-in-store-grants.md.

    Example::

        access = ApplicationDataAccess(stack, "DataApi", app="api", namespace="api", pod_role=role,
                                       environment=DataEnvironment(env, naming, "acme-prod-eks", reader))
        RollingDeployment(..., env_from_config_maps=[access.config_map_name],
                          template_annotations=access.annotations, depends_on=access.prerequisites)
    """

    def __init__(self, scope: Construct, construct_id: str, *, app: str, namespace: str, pod_role: PodRole,
                 environment: DataEnvironment) -> None:
        super().__init__(scope, construct_id)
        # validate
        config = environment.config
        if app not in config.apps:
            refuse([Problem("access.unknown-app", "app", app, f"{app!r} is not an application of the environment "
                            f"(applications: {', '.join(sorted(config.apps))})")], self.node.path)
        # resolve defaults
        self.app = app
        self.namespace = namespace
        self._env = environment
        self._workload = config.apps[app]
        self._uses: AppUses = self._workload.uses
        self.config_map_name = f"{app}-data"

        # create resources
        self._grant_stores(pod_role)
        endpoints = self._create_endpoints()
        self.policies = self._create_network_policies()
        self.prerequisites: list[TerraformResource] = [endpoints, *self.policies.resources]
        if self._uses.any:
            self.prerequisites.append(self._create_grant_job(pod_role))

        # expose attributes
        self.checksum: str = Fn.sha256(Fn.jsonencode(endpoints.data))
        self.annotations: dict[str, str] = {CHECKSUM_ANNOTATION: self.checksum}

    def _grant_stores(self, role: PodRole) -> None:
        env, uses = self._env, self._uses
        if uses.postgres is not None:
            env.postgres.grant_connect(role, uses.postgres.user)
        if uses.redis is not None:
            env.redis.grant_connect(role, uses.redis.user)
        if uses.kafka is not None:
            if uses.kafka.produce:
                env.kafka.grant_produce(role, uses.kafka.produce)
            if uses.kafka.consume and uses.kafka.group is not None:
                env.kafka.grant_consume(role, uses.kafka.consume, uses.kafka.group)
        if uses.search is not None:
            grant = env.search.grant_read_write if uses.search.access == "read-write" else env.search.grant_read
            grant(role, uses.search.indices)

    def _endpoint_settings(self) -> dict[str, str]:
        """Environment variables of the container, by store; IAM authentication everywhere, TLS everywhere."""
        env, uses = self._env, self._uses
        settings = {"AWS_REGION": region_name(self)}
        if uses.postgres is not None:
            database = env.postgres
            settings.update(PGHOST=database.endpoint, PGPORT=str(database.port), PGDATABASE=database.database_name,
                            PGUSER=uses.postgres.user, PGSSLMODE="verify-full", PG_IAM_AUTH="true",
                            PG_SCHEMA=uses.postgres.schema_in_use)
        if uses.redis is not None:
            cache = env.redis
            settings.update(REDIS_HOST=cache.primary_endpoint, REDIS_READER_HOST=cache.reader_endpoint,
                            REDIS_PORT=str(cache.port), REDIS_USER=cache.user_id(uses.redis.user),
                            REDIS_CACHE_NAME=cache.replication_group_id, REDIS_TLS="true", REDIS_IAM_AUTH="true",
                            REDIS_KEY_PATTERNS=",".join(uses.redis.key_patterns))
        if uses.kafka is not None:
            settings.update(KAFKA_BOOTSTRAP_SERVERS=env.kafka.bootstrap_brokers, KAFKA_SECURITY_PROTOCOL="SASL_SSL",
                            KAFKA_SASL_MECHANISM="AWS_MSK_IAM", KAFKA_PRODUCE_TOPICS=",".join(uses.kafka.produce),
                            KAFKA_CONSUME_TOPICS=",".join(uses.kafka.consume), KAFKA_GROUP_ID=uses.kafka.group or "")
        if uses.search is not None:
            settings.update(OPENSEARCH_URL=f"https://{env.search.endpoint}", OPENSEARCH_IAM_AUTH="true",
                            OPENSEARCH_INDICES=",".join(uses.search.indices))
        return settings

    def _create_endpoints(self) -> k8s.config_map_v1.ConfigMapV1:
        return k8s.config_map_v1.ConfigMapV1(self, "Endpoints", metadata={
            "name": self.config_map_name, "namespace": self.namespace, "labels": self._labels(self.app),
        }, data=self._endpoint_settings())

    def _create_network_policies(self) -> NetworkPolicySet:
        config, workload = self._env.config, self._workload
        callers = [namespace_peer(caller, config.apps[caller].namespace_for(caller))
                   for caller in sorted(config.apps) if self.app in config.apps[caller].uses.apps]
        called = [(namespace_peer(peer, config.apps[peer].namespace_for(peer)), config.apps[peer].port)
                  for peer in self._uses.apps]
        return NetworkPolicySet(
            self, "NetworkPolicies", app=self.app, namespace=self.namespace, port=workload.port,
            network=config.network, region=config.aws.region,
            load_balancer_tier=_load_balancer_tier(workload.ingress.visibility) if workload.ingress else None,
            callers=callers, called=called, store_ports=data_store_ports(config, self._uses.stores),
            aws_apis=bool(workload.pod_policy_arns),
        )

    def _create_grant_job(self, pod_role: PodRole) -> k8s.job_v1.JobV1:
        env, uses, config = self._env, self._uses, self._env.config
        namespace = grants_namespace(self.app)
        k8s.namespace_v1.NamespaceV1(self, "GrantsNamespace", metadata={"name": namespace, "labels": {
            **{f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")},
            "app.kubernetes.io/managed-by": "terraform"}})
        role = PodRole(self, "Grants", name=env.naming.name(f"{self.app}-grants"),
                       subject=ServiceAccountRef(account_id(self), env.cluster_name, namespace, GRANT_JOB),
                       description=f"Grant job of {self.app}: creates its users, role mappings and topics")
        endpoints: dict[str, Any] = {}
        if uses.postgres is not None:
            env.postgres.grant_read_master_secret(role)
            endpoints["postgres"] = {"host": env.postgres.endpoint, "master_secret_arn": env.postgres.master_secret_arn}
        if uses.search is not None:
            env.search.grant_assume_master(role)
            endpoints["search"] = {"endpoint": env.search.endpoint, "master_role_arn": env.search.master_role_arn}
        if uses.kafka is not None:
            env.kafka.grant_manage_topics(role, uses.kafka.topics)
            endpoints["kafka"] = {"bootstrap_brokers": env.kafka.bootstrap_brokers}
        plan = Fn.jsonencode(grants_plan(config, self.app, region=region_name(self), pod_role_arn=pod_role.arn,
                                         endpoints=endpoints))
        service_account = k8s.service_account_v1.ServiceAccountV1(
            self, "GrantsServiceAccount", metadata={"name": GRANT_JOB, "namespace": namespace},
            automount_service_account_token=False)
        identity = aws.eks_pod_identity_association.EksPodIdentityAssociation(
            self, "GrantsPodIdentity", cluster_name=env.cluster_name, namespace=namespace, service_account=GRANT_JOB,
            role_arn=role.arn)
        plan_map = k8s.config_map_v1.ConfigMapV1(self, "GrantsPlan", metadata={
            "name": f"{GRANT_JOB}-plan", "namespace": namespace, "labels": self._labels(GRANT_JOB)},
            data={"plan.json": plan})
        grants_policies = NetworkPolicySet(
            self, "GrantsNetworkPolicies", app=GRANT_JOB, namespace=namespace, port=None, network=config.network,
            region=config.aws.region, load_balancer_tier=None, callers=[], called=[],
            store_ports=data_store_ports(config, uses.stores), aws_apis=True)
        return k8s.job_v1.JobV1(
            self, "GrantsJob",
            metadata={"name": GRANT_JOB, "namespace": namespace, "labels": self._labels(GRANT_JOB)},
            spec=struct(k8s.job_v1.JobV1Spec, self._job_spec(Fn.sha256(plan))),
            wait_for_completion=True,
            timeouts={"create": f"{config.data_access.job_timeout_seconds + 60}s",
                      "update": f"{config.data_access.job_timeout_seconds + 60}s"},
            # the pod gets credentials only if the association exists when it starts
            depends_on=[service_account, identity, plan_map, *role.resources, *grants_policies.resources],
        )

    def _job_spec(self, plan_checksum: str) -> dict[str, Any]:
        data_access = self._env.config.data_access
        container = {
            "name": "grants", "image": data_access.runner_image,
            "command": ["platformctl"], "args": ["data-grants", "apply", "--plan", f"{PLAN_DIRECTORY}/plan.json"],
            "volume_mount": [{"name": "plan", "mount_path": PLAN_DIRECTORY, "read_only": True},
                             {"name": "tmp", "mount_path": "/tmp"}],  # noqa: S108 - the pod's own emptyDir
            "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
            "security_context": {"allow_privilege_escalation": False, "privileged": False,
                                 "read_only_root_filesystem": True, "run_as_non_root": True,
                                 "capabilities": {"drop": ["ALL"]}, "seccomp_profile": {"type": "RuntimeDefault"}},
        }
        return {
            "backoff_limit": 2,
            "active_deadline_seconds": data_access.job_timeout_seconds,
            "template": {
                # a changed plan is a changed template: Terraform replaces the job, which runs again
                "metadata": {"labels": self._labels(GRANT_JOB), "annotations": {CHECKSUM_ANNOTATION: plan_checksum}},
                "spec": {
                    "service_account_name": GRANT_JOB, "automount_service_account_token": False,
                    "restart_policy": "Never",
                    "security_context": {"run_as_non_root": True, "run_as_user": RUN_AS_ID, "run_as_group": RUN_AS_ID,
                                         "seccomp_profile": {"type": "RuntimeDefault"}},
                    "container": [container],
                    "volume": [{"name": "plan", "config_map": {"name": f"{GRANT_JOB}-plan"}},
                               {"name": "tmp", "empty_dir": {"size_limit": "16Mi"}}],
                },
            },
        }

    def _labels(self, name: str) -> dict[str, str]:
        return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": self.app,
                "app.kubernetes.io/managed-by": "terraform"}


def _load_balancer_tier(visibility: str) -> SubnetTier:
    """The subnets an entry's load balancer lives in: public when internet-facing, else private."""
    return "public" if visibility == "internet-facing" else "private"
