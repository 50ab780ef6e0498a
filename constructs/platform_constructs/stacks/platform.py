"""PlatformStack: the infrastructure of one environment (stack name = environment name)."""

from __future__ import annotations

from dataclasses import dataclass

from platform_constructs._internal.annotations import warn
from platform_constructs._internal.tf import Construct, TerraformOutput, TerraformStack
from platform_constructs.ci.ci_access import CiAccess
from platform_constructs.ci.ci_props import CiNetwork, ci_role_arn, planner_role_arn
from platform_constructs.compute.eks_cluster import EksCluster
from platform_constructs.config.schema import AwsTarget, EnvironmentConfig, SharedConfig
from platform_constructs.data.postgres import PostgresDatabase
from platform_constructs.data.redis import RedisCache
from platform_constructs.dns.dns_props import Delegation
from platform_constructs.ingress.environment_ingress import EnvironmentIngress
from platform_constructs.naming import Naming
from platform_constructs.network.network import Network
from platform_constructs.observability.alarm_routing import EventRoute, application_alarm_pattern
from platform_constructs.observability.alarm_topic import AlarmTopic
from platform_constructs.observability.alarms.kafka import KafkaAlarms
from platform_constructs.observability.alarms.postgres import PostgresAlarms
from platform_constructs.observability.alarms.redis import RedisAlarms
from platform_constructs.observability.alarms.search import SearchAlarms
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesWriter
from platform_constructs.policy.guard import apply_policy
from platform_constructs.search.opensearch import SearchDomain
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps
from platform_constructs.stacks.common import aws_provider, follow_role_variable, role_variable, s3_backend
from platform_constructs.streaming.kafka import KafkaCluster


@dataclass(frozen=True)
class CiReach:
    """What the environment's CI access needs from shared.toml: the CI network, the plan identity, and
    the tooling account's planner role (read-only plans read the parent zone through it)."""

    network: CiNetwork
    plan_role_arn: str
    tooling_planner_role_arn: str

    @classmethod
    def of(cls, shared: SharedConfig) -> CiReach:
        """Built from ``shared.toml`` alone, which every environment's synth cache key covers."""
        naming = Naming(shared.naming.prefix, shared.name)
        return cls(shared.ci.network, ci_role_arn(shared.aws.account_id, naming, "plan"),
                   planner_role_arn(shared.aws.account_id, naming))


class PlatformStack(TerraformStack):
    """Network, keys and platform services of one environment, shaped by its configuration.

    The stack never looks at the environment's name to decide anything: every difference
    between dev, staging and prod comes from the (preset + file) configuration.

    DNS and traffic: the environment's hosted zones (delegated from the parent zone through
    ``delegation``, a provider acting in the shared account), and what application entries share – the
    access-log bucket, the web ACL, and with ``ingress.load_balancer = "shared"`` one load balancer per
    visibility in use. Values the application stacks need are published as SSM parameters
    (:class:`PlatformValuesWriter`, ``/{prefix}/{env}/platform/...``).

    With ``ci``, the environment attaches to the CI network and holds the role of read-only plans
    (:class:`CiAccess`); a read-only plan reads the parent zone through the tooling account's planner role.
    """

    def __init__(self, scope: Construct, env: EnvironmentConfig, delegation: Delegation | None = None, *,
                 ci: CiReach | None = None) -> None:
        super().__init__(scope, env.name)
        self.env = env
        self.naming = Naming(env.naming.prefix, env.name)
        s3_backend(self, env.state, env.state.region)
        self.role_arn = role_variable(self, env)
        aws_provider(self, env.aws, env.all_tags, role_arn=self.role_arn)
        apply_policy(self, env.policy, owner=env.name)

        self.logs_key = KmsKey(self, "LogsKey", props=KmsKeyProps(
            alias=self.naming.name("logs"), description=f"CloudWatch log groups of {env.name}",
            service_principals=("logs",),
        ))
        self.logs = LogSettings(retention_days=env.logs.retention_days, kms_key_arn=self.logs_key.arn)
        self.network = Network(self, "Network", props=env.network, region=env.aws.region, naming=self.naming,
                               logs=self.logs)
        self._output("network", self.network.outputs)
        self.cluster = EksCluster(self, "Eks", props=env.eks, naming=self.naming,
                                  subnet_ids=self.network.subnet_id_list("private"), logs=self.logs)
        self._output("eks", self.cluster.outputs)
        self.values = PlatformValuesWriter(self, "PlatformValues", naming=self.naming)
        self.database: PostgresDatabase | None = None
        self.cache: RedisCache | None = None
        self.kafka: KafkaCluster | None = None
        self.search: SearchDomain | None = None
        if env.postgres.enabled:
            self.database = PostgresDatabase(self, "Postgres", props=env.postgres, naming=self.naming,
                                             vpc_id=self.network.vpc_id,
                                             subnet_group_name=self.network.db_subnet_group_name, logs=self.logs)
        if env.redis.enabled:
            self.cache = RedisCache(self, "Redis", props=env.redis, naming=self.naming, vpc_id=self.network.vpc_id,
                                    subnet_group_name=self.network.cache_subnet_group_name, logs=self.logs,
                                    app_users=env.cache_users)
        if env.kafka.enabled:
            self.kafka = KafkaCluster(self, "Kafka", props=env.kafka, vpc_id=self.network.vpc_id,
                                      subnet_ids=self.network.subnet_id_list("isolated"), naming=self.naming,
                                      logs=self.logs)
        if env.search.enabled:
            self.search = SearchDomain(self, "Search", props=env.search, vpc_id=self.network.vpc_id,
                                       subnet_ids=self.network.subnet_id_list("isolated"), naming=self.naming,
                                       logs=self.logs)
        for prefix, store in (("postgres", self.database), ("redis", self.cache), ("kafka", self.kafka),
                              ("search", self.search)):
            if store is None:
                continue
            self._output(prefix, store.outputs)
            store.publish(self.values)
            # workloads on the EKS nodes are the clients (docs/decisions/0010-in-store-grants.md: why the whole cluster)
            store.allow_from(self.cluster)
        self._monitor(env)
        if ci is not None:
            self.ci = CiAccess(self, "Ci", network=ci.network, naming=self.naming, ci_plan_role_arn=ci.plan_role_arn,
                               vpc_id=self.network.vpc_id, subnet_ids=self.network.subnet_id_list("private"),
                               route_table_ids=self.network.route_table_ids("private"),
                               cluster_name=self.cluster.cluster.name,
                               cluster_security_group_id=self.cluster.security_group_id)
        self._publish_network()
        self.ingress = self._create_ingress(env, delegation, ci)
        self._output("dns", self.ingress.zones.outputs)

    def _create_ingress(self, env: EnvironmentConfig, delegation: Delegation | None,
                        ci: CiReach | None) -> EnvironmentIngress:
        parent_provider = None
        if delegation is not None and env.dns.has_public_zone:
            role_arn = delegation.role_arn if self.role_arn is None or ci is None else follow_role_variable(
                env, deploying=delegation.role_arn, planning=ci.tooling_planner_role_arn)
            parent_provider = aws_provider(self, AwsTarget(account_id=delegation.account_id, region=delegation.region),
                                           env.all_tags, role_arn=role_arn, alias="dns-parent")
        return EnvironmentIngress(
            self, "Ingress", naming=self.naming, dns=env.dns, ingress=env.ingress,
            entries=[workload.ingress for _, workload in sorted(env.apps.items()) if workload.ingress is not None],
            account_id=env.aws.account_id, vpc_id=self.network.vpc_id, vpc_cidr=self.network.vpc_cidr,
            public_subnet_ids=self.network.subnet_id_list("public"),
            private_subnet_ids=self.network.subnet_id_list("private"), logs=self.logs, values=self.values,
            parent_provider=parent_provider, parent_domain=delegation.parent_domain if delegation else None,
        )

    def _publish_network(self) -> None:
        publish = self.values.publish
        publish(table.VPC_ID, self.network.vpc_id)
        publish(table.VPC_CIDR, self.network.vpc_cidr)
        publish(table.PUBLIC_SUBNET_IDS, self.network.subnet_id_list("public"))
        publish(table.PRIVATE_SUBNET_IDS, self.network.subnet_id_list("private"))
        publish(table.CLUSTER_SECURITY_GROUP_ID, self.cluster.security_group_id)
        publish(table.ALARM_TOPIC_ARN, self.alarm_topic.arn)

    def _monitor(self, env: EnvironmentConfig) -> None:
        """The encrypted alarm topic and, when monitoring is enabled, the alarm pack of each data service."""
        self.alarm_topic = AlarmTopic(self, "AlarmTopic", props=env.monitoring.topic, naming=self.naming)
        self.alarm_route = EventRoute(
            self, "AlarmRouting", name=self.naming.name("app-alarms"), pattern=application_alarm_pattern(self.naming),
            description="Application alarms of this environment entering ALARM or OK (pager, rollback job)",
            topic_arn=self.alarm_topic.arn)
        self._output("monitoring", {**self.alarm_topic.outputs, "app_alarm_rule_arn": self.alarm_route.rule_arn,
                                    "app_alarm_rule_name": self.alarm_route.rule_name})
        monitoring, topic_arn = env.monitoring, self.alarm_topic.arn
        if not monitoring.enabled:
            return
        if self.database is not None:
            PostgresAlarms(self, "PostgresAlarms", identifier=self.database.identifier,
                           thresholds=monitoring.postgres, topic_arn=topic_arn)
        if self.cache is not None:
            RedisAlarms(self, "RedisAlarms", replication_group_id=self.cache.replication_group_id,
                        member_cluster_ids=self.cache.member_cluster_ids, thresholds=monitoring.redis,
                        topic_arn=topic_arn)
        if self.kafka is not None:
            KafkaAlarms(self, "KafkaAlarms", cluster_name=self.kafka.cluster_name,
                        broker_count=self.kafka.broker_count, thresholds=monitoring.kafka, topic_arn=topic_arn)
        if self.search is not None:
            SearchAlarms(self, "SearchAlarms", domain_name=self.search.domain_name,
                         volume_size_gib=env.search.volume_size_gib, thresholds=monitoring.search, topic_arn=topic_arn)
        if not monitoring.topic.subscribers:
            warn(self.alarm_topic, "platform:monitoring:noSubscribers",
                 "monitoring.topic.subscribers is empty: alarms notify a topic nobody subscribes to; add "
                 "subscribers or subscribe through the monitoring_alarm_topic_arn output")

    def _output(self, prefix: str, values: dict[str, object]) -> None:
        """One stack output per value, named ``{prefix}_{name}``."""
        for name, value in values.items():
            TerraformOutput(self, f"{prefix}_{name}", value=value)
