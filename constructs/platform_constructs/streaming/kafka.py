"""KafkaCluster: an MSK cluster reachable only over TLS with IAM authentication, from wired sources."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from platform_constructs._internal.aws_context import account_id, partition, region_name
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.data.private_data_store import PrivateDataStore
from platform_constructs.errors import refuse
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import EncryptedLogGroup, LogSettings
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesReader, PlatformValuesWriter
from platform_constructs.security.grants import Grantee, PolicyStatement, sid
from platform_constructs.security.kms_key import KmsKey
from platform_constructs.streaming.kafka_props import KafkaProps

#: Path of the broker volume size inside ``aws_msk_cluster``: storage autoscaling owns it after creation.
_VOLUME_SIZE_PATH = "broker_node_group_info[0].storage_info[0].ebs_storage_info[0].volume_size"


def kafka_cluster_name(naming: Naming) -> str:
    """The cluster's name, ``<prefix>-<env>-kafka``."""
    return naming.name("kafka")


@dataclass(frozen=True)
class KafkaReference:
    """What a client needs of the Kafka cluster: its brokers and the ARNs its IAM permissions name.

    MSK names the cluster, its topics and its groups by the cluster's name and UUID:
    ``arn:…:cluster/<cluster>/<uuid>``, ``arn:…:topic/<cluster>/<uuid>/<topic>``,
    ``arn:…:group/<cluster>/<uuid>/<group>``.
    :class:`KafkaCluster` has one (:attr:`KafkaCluster.reference`); an application stack builds one from the
    platform's published values with :meth:`from_parameters`. Both grant through the same code.
    """

    partition: str
    region: str
    account_id: str
    cluster_name: str
    cluster_uuid: str
    bootstrap_brokers: str
    """``host:9098,…`` of the SASL/IAM listener."""

    @classmethod
    def from_parameters(cls, reader: PlatformValuesReader, naming: Naming) -> KafkaReference:
        """The environment's cluster, as its platform stack published it."""
        return cls(partition=partition(reader), region=region_name(reader), account_id=account_id(reader),
                   cluster_name=kafka_cluster_name(naming), cluster_uuid=reader.get(table.KAFKA_CLUSTER_UUID),
                   bootstrap_brokers=reader.get(table.KAFKA_BOOTSTRAP_BROKERS))

    def _arn(self, kind: str, name: str | None = None) -> str:
        arn = (f"arn:{self.partition}:kafka:{self.region}:{self.account_id}:{kind}/{self.cluster_name}/"
               f"{self.cluster_uuid}")
        return arn if name is None else f"{arn}/{name}"

    @property
    def cluster_arn(self) -> str:
        """ARN of the cluster."""
        return self._arn("cluster")

    def _child_arn(self, kind: str, name: str) -> str:
        return self._arn(kind, name)

    def topic_arn(self, topic: str) -> str:
        """ARN of one topic of the cluster."""
        return self._child_arn("topic", topic)

    def group_arn(self, group: str) -> str:
        """ARN of one consumer group of the cluster."""
        return self._child_arn("group", group)

    def _connect(self, grantee: Grantee) -> None:
        grantee.add_to_policy(PolicyStatement("KafkaConnect", ("kafka-cluster:Connect",), (self.cluster_arn,)))

    def grant_produce(self, grantee: Grantee, topics: Sequence[str]) -> PolicyStatement:
        """Let ``grantee`` connect and write to exactly ``topics`` (idempotent writes need no more on Kafka ≥ 2.8)."""
        self._connect(grantee)
        statement = PolicyStatement("KafkaProduce", ("kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"),
                                    tuple(self.topic_arn(topic) for topic in sorted(topics)))
        grantee.add_to_policy(statement)
        return statement

    def grant_manage_topics(self, grantee: Grantee, topics: Sequence[str]) -> PolicyStatement:
        """Let ``grantee`` create, describe and add partitions to exactly ``topics`` (the grant job); no data access."""
        self._connect(grantee)
        statement = PolicyStatement("KafkaManageTopics", ("kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic",
                                                          "kafka-cluster:AlterTopic"),
                                    tuple(self.topic_arn(topic) for topic in sorted(topics)))
        grantee.add_to_policy(statement)
        return statement

    def grant_consume(self, grantee: Grantee, topics: Sequence[str], group: str) -> PolicyStatement:
        """Let ``grantee`` connect, read exactly ``topics`` and commit offsets as consumer group ``group`` only."""
        self._connect(grantee)
        grantee.add_to_policy(PolicyStatement("KafkaConsume", ("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"),
                                              tuple(self.topic_arn(topic) for topic in sorted(topics))))
        statement = PolicyStatement(sid("kafka", "group"), ("kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"),
                                    (self.group_arn(group),))
        grantee.add_to_policy(statement)
        return statement


class KafkaCluster(PrivateDataStore):
    """An MSK cluster of standard brokers in the isolated subnets.

    - **Transport**: TLS only, between clients and brokers and between brokers.
    - **Authentication**: SASL/IAM; unauthenticated access is off. Clients reach the SASL/IAM
      listener (port 9098) only from security groups wired with :meth:`allow_from`.
    - **Storage**: EBS encrypted with a customer-managed key (``kms_key``, or a rotating key of its
      own); an Application Auto Scaling target-tracking policy grows it up to
      ``max_volume_size_gib`` (MSK never shrinks volumes, so scale-in is disabled).
    - **Configuration**: ``auto.create.topics.enable=false`` plus the replication settings of the
      props. Its name carries a hash of its content and Kafka version and it is created before the
      old one is destroyed, so changing either never fails with "configuration is in use".
    - **Observability**: broker logs to an encrypted log group with retention; enhanced monitoring
      per props; JMX and node exporters for Prometheus when ``prometheus_exporters`` is on.
    - **Deletion**: ``deletion_protection`` sets ``lifecycle.prevent_destroy`` on the cluster.

    Example::

        kafka = KafkaCluster(self, "Kafka", props=env.kafka, vpc_id=network.vpc_id,
                             subnet_ids=network.subnet_id_list("isolated"), naming=naming, logs=logs)
        kafka.allow_from(cluster)   # EKS nodes may connect on 9098
    """

    #: Port of the SASL/IAM listener inside the VPC.
    PORT = 9098
    protocol_label = "Kafka SASL/IAM"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: KafkaProps,
        vpc_id: str,
        subnet_ids: Sequence[str],
        naming: Naming,
        logs: LogSettings,
        kms_key: KmsKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # validate
        refuse(props.problems(len(subnet_ids), zones_field="subnet_ids"), self.node.path)

        # resolve defaults
        self.props = props
        self.cluster_name: str = kafka_cluster_name(naming)
        self.broker_count: int = props.broker_count

        # create resources
        self._create_key_and_security_group(
            naming=naming, component="kafka", vpc_id=vpc_id, port=self.PORT, kms_key=kms_key,
            key_description=f"Broker storage of the Kafka cluster {self.cluster_name}",
        )
        log_groups = self._create_log_groups(logs,
                                             {"broker": ("BrokerLogGroup", f"/aws/msk/{self.cluster_name}/broker")})
        self.configuration = self._create_configuration(naming)
        self.cluster = self._create_cluster(subnet_ids, log_groups["broker"])
        self._create_storage_autoscaling(props)

        # expose attributes
        self.arn: str = self.cluster.arn
        self.bootstrap_brokers_sasl_iam: str = self.cluster.bootstrap_brokers_sasl_iam
        self.reference = KafkaReference(partition=partition(self), region=region_name(self),
                                        account_id=account_id(self), cluster_name=self.cluster_name,
                                        cluster_uuid=self.cluster.cluster_uuid,
                                        bootstrap_brokers=self.bootstrap_brokers_sasl_iam)

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "cluster_name": self.cluster_name,
            "arn": self.arn,
            "bootstrap_brokers_sasl_iam": self.bootstrap_brokers_sasl_iam,
            "security_group_id": self.security_group_id,
            "configuration_arn": self.configuration.arn,
        }

    def grant_produce(self, grantee: Grantee, topics: Sequence[str]) -> PolicyStatement:
        """See :meth:`KafkaReference.grant_produce`."""
        return self.reference.grant_produce(grantee, topics)

    def grant_consume(self, grantee: Grantee, topics: Sequence[str], group: str) -> PolicyStatement:
        """See :meth:`KafkaReference.grant_consume`."""
        return self.reference.grant_consume(grantee, topics, group)

    def publish(self, values: PlatformValuesWriter) -> None:
        """Publish what application stacks need to reach this cluster."""
        values.publish(table.KAFKA_CLUSTER_UUID, self.cluster.cluster_uuid)
        values.publish(table.KAFKA_BOOTSTRAP_BROKERS, self.bootstrap_brokers_sasl_iam)

    def _create_configuration(self, naming: Naming) -> aws.msk_configuration.MskConfiguration:
        """The broker configuration, named by a hash of its content and Kafka version and created before the old
        one is destroyed, so changing either never fails with "configuration is in use"."""
        props = self.props
        server_properties = props.server_properties()
        revision = hashlib.sha256(f"{props.kafka_version}\n{server_properties}".encode()).hexdigest()[:8]
        return aws.msk_configuration.MskConfiguration(
            self, "Configuration", name=naming.name(f"kafka-{revision}"), kafka_versions=[props.kafka_version],
            server_properties=server_properties, description=f"Brokers of {self.cluster_name}",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )

    def _create_cluster(self, subnet_ids: Sequence[str], log_group: EncryptedLogGroup) -> aws.msk_cluster.MskCluster:
        """The brokers: TLS only, SASL/IAM only, the store's key at rest, broker logs to ``log_group``."""
        props = self.props
        msk = aws.msk_cluster
        return msk.MskCluster(
            self, "Cluster",
            cluster_name=self.cluster_name,
            kafka_version=props.kafka_version,
            number_of_broker_nodes=props.broker_count,
            broker_node_group_info=msk.MskClusterBrokerNodeGroupInfo(
                client_subnets=list(subnet_ids),
                instance_type=props.instance_type,
                security_groups=[self.security_group.id],
                storage_info=msk.MskClusterBrokerNodeGroupInfoStorageInfo(
                    ebs_storage_info=msk.MskClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfo(
                        volume_size=props.volume_size_gib,
                    ),
                ),
            ),
            client_authentication=msk.MskClusterClientAuthentication(
                sasl=msk.MskClusterClientAuthenticationSasl(iam=True),
                unauthenticated=False,
            ),
            encryption_info=msk.MskClusterEncryptionInfo(
                encryption_at_rest_kms_key_arn=self.kms_key.arn,
                encryption_in_transit=msk.MskClusterEncryptionInfoEncryptionInTransit(
                    client_broker="TLS", in_cluster=True,
                ),
            ),
            configuration_info=msk.MskClusterConfigurationInfo(
                arn=self.configuration.arn, revision=self.configuration.latest_revision,
            ),
            logging_info=msk.MskClusterLoggingInfo(
                broker_logs=msk.MskClusterLoggingInfoBrokerLogs(
                    cloudwatch_logs=msk.MskClusterLoggingInfoBrokerLogsCloudwatchLogs(
                        enabled=True, log_group=log_group.name,
                    ),
                ),
            ),
            enhanced_monitoring=props.enhanced_monitoring,
            open_monitoring=_open_monitoring(props.prometheus_exporters),
            tags={"Name": self.cluster_name},
            # storage autoscaling owns the volume size after creation
            lifecycle=self._lifecycle(deletion_protection=props.deletion_protection,
                                      ignore_changes=[_VOLUME_SIZE_PATH]),
        )

    def _create_storage_autoscaling(self, props: KafkaProps) -> None:
        target = aws.appautoscaling_target.AppautoscalingTarget(
            self, "StorageScalingTarget",
            service_namespace="kafka", scalable_dimension="kafka:broker-storage:VolumeSize",
            resource_id=self.cluster.arn,
            # scale-in is disabled (MSK cannot shrink volumes), so the minimum is never acted on
            min_capacity=1, max_capacity=props.max_volume_size_gib,
        )
        aws.appautoscaling_policy.AppautoscalingPolicy(
            self, "StorageScalingPolicy",
            name=f"{self.cluster_name}-broker-storage", policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace, scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=(
                aws.appautoscaling_policy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
                    target_value=props.storage_target_percent, disable_scale_in=True,
                    predefined_metric_specification=(
                        aws.appautoscaling_policy
                        .AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
                            predefined_metric_type="KafkaBrokerStorageUtilization",
                        )
                    ),
                )
            ),
        )


def _open_monitoring(enabled: bool) -> aws.msk_cluster.MskClusterOpenMonitoring:
    """Prometheus JMX and node exporters on every broker, on or off together."""
    return aws.msk_cluster.MskClusterOpenMonitoring(
        prometheus=aws.msk_cluster.MskClusterOpenMonitoringPrometheus(
            jmx_exporter=aws.msk_cluster.MskClusterOpenMonitoringPrometheusJmxExporter(enabled_in_broker=enabled),
            node_exporter=aws.msk_cluster.MskClusterOpenMonitoringPrometheusNodeExporter(enabled_in_broker=enabled),
        ),
    )
