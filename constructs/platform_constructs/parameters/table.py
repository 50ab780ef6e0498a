"""The platform values an application stack may read, and where each lives in SSM.

Non-secret values only: identifiers, names and addresses the platform stack created. Each is an
SSM ``String`` (``StringList`` for lists) parameter at ``/{prefix}/{env}/platform/{key}``.

Why not cdktf cross-stack references: they make an application stack read the platform stack's
whole remote state, and force synthesizing the platform stack whenever an application stack is
synthesized. A parameter is read by name, with the application stack's own credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_constructs.naming import Naming


@dataclass(frozen=True)
class PlatformValue:
    """One value the platform stack publishes."""

    key: str
    """Path below ``/{prefix}/{env}/platform/``, e.g. ``network/vpc-id``."""
    description: str
    """What the value is (written into the parameter's description)."""
    is_list: bool = False
    """A list of strings (an SSM ``StringList``)."""

    def path(self, naming: Naming) -> str:
        """The parameter name in one environment, e.g. ``/acme/prod/platform/network/vpc-id``."""
        return f"/{naming.prefix}/{naming.environment}/platform/{self.key}"


VPC_ID = PlatformValue("network/vpc-id", "id of the environment's VPC")
VPC_CIDR = PlatformValue("network/vpc-cidr", "IPv4 range of the environment's VPC")
PUBLIC_SUBNET_IDS = PlatformValue("network/public-subnet-ids", "public subnets, one per zone", is_list=True)
PRIVATE_SUBNET_IDS = PlatformValue("network/private-subnet-ids", "private subnets, one per zone", is_list=True)
CLUSTER_SECURITY_GROUP_ID = PlatformValue("eks/cluster-security-group-id",
                                          "security group of the EKS cluster's nodes and pods")
PUBLIC_ZONE_ID = PlatformValue("dns/public-zone-id", "Route 53 public hosted zone of the environment's domain")
PRIVATE_ZONE_ID = PlatformValue("dns/private-zone-id", "Route 53 private hosted zone of the environment's domain")
ACCESS_LOG_BUCKET = PlatformValue("ingress/access-log-bucket", "S3 bucket load balancers write access logs to")
WEB_ACL_ARN = PlatformValue("ingress/web-acl-arn", "WAF web ACL of internet-facing entries")
POSTGRES_ENDPOINT = PlatformValue("postgres/endpoint", "host name of the PostgreSQL database")
POSTGRES_RESOURCE_ID = PlatformValue("postgres/resource-id",
                                     "DbiResourceId of the PostgreSQL database (part of the rds-db:connect ARN)")
POSTGRES_MASTER_SECRET_ARN = PlatformValue("postgres/master-secret-arn",
                                           "ARN (not the value) of the RDS-managed master user secret")
POSTGRES_MASTER_SECRET_KEY_ARN = PlatformValue("postgres/master-secret-key-arn",
                                               "KMS key that encrypts the master user secret (and the database)")
REDIS_PRIMARY_ENDPOINT = PlatformValue("redis/primary-endpoint", "primary endpoint of the cache (reads and writes)")
REDIS_READER_ENDPOINT = PlatformValue("redis/reader-endpoint", "reader endpoint of the cache (replicas)")
KAFKA_CLUSTER_UUID = PlatformValue("kafka/cluster-uuid",
                                   "UUID of the Kafka cluster: with its name, part of its topic and group ARNs")
KAFKA_BOOTSTRAP_BROKERS = PlatformValue("kafka/bootstrap-brokers-sasl-iam",
                                        "bootstrap brokers of the Kafka cluster's SASL/IAM listener")
SEARCH_ENDPOINT = PlatformValue("search/endpoint", "HTTPS endpoint host of the OpenSearch domain")
SEARCH_MASTER_ROLE_ARN = PlatformValue("search/master-role-arn",
                                       "IAM role mapped to the OpenSearch master user (the grant jobs assume it)")
ALARM_TOPIC_ARN = PlatformValue("monitoring/alarm-topic-arn", "SNS topic every alarm of the environment notifies")


@dataclass(frozen=True)
class SharedLoadBalancerValues:
    """What an application needs of a load balancer it shares with others (one per visibility)."""

    arn: PlatformValue
    arn_suffix: PlatformValue
    https_listener_arn: PlatformValue
    security_group_id: PlatformValue
    dns_name: PlatformValue
    zone_id: PlatformValue

    def all(self) -> tuple[PlatformValue, ...]:
        """Every value of the load balancer."""
        return (self.arn, self.arn_suffix, self.https_listener_arn, self.security_group_id, self.dns_name,
                self.zone_id)


def shared_load_balancer(visibility: str) -> SharedLoadBalancerValues:
    """The values of the shared load balancer of one visibility (``internal`` or ``internet-facing``)."""
    base = f"ingress/shared/{visibility}"
    return SharedLoadBalancerValues(
        arn=PlatformValue(f"{base}/load-balancer-arn", f"ARN of the shared {visibility} load balancer"),
        arn_suffix=PlatformValue(f"{base}/load-balancer-arn-suffix",
                                 f"ARN suffix of the shared {visibility} load balancer (CloudWatch dimension)"),
        https_listener_arn=PlatformValue(f"{base}/https-listener-arn",
                                         f"HTTPS listener of the shared {visibility} load balancer"),
        security_group_id=PlatformValue(f"{base}/security-group-id",
                                        f"security group of the shared {visibility} load balancer"),
        dns_name=PlatformValue(f"{base}/dns-name", f"DNS name of the shared {visibility} load balancer"),
        zone_id=PlatformValue(f"{base}/zone-id", f"Route 53 zone id of the shared {visibility} load balancer"),
    )


#: Every value an application stack may read; the writer refuses any other.
TABLE: tuple[PlatformValue, ...] = (
    VPC_ID, VPC_CIDR, PUBLIC_SUBNET_IDS, PRIVATE_SUBNET_IDS, CLUSTER_SECURITY_GROUP_ID,
    PUBLIC_ZONE_ID, PRIVATE_ZONE_ID, ACCESS_LOG_BUCKET, WEB_ACL_ARN, ALARM_TOPIC_ARN,
    POSTGRES_ENDPOINT, POSTGRES_RESOURCE_ID, POSTGRES_MASTER_SECRET_ARN,
    POSTGRES_MASTER_SECRET_KEY_ARN, REDIS_PRIMARY_ENDPOINT, REDIS_READER_ENDPOINT,
    KAFKA_CLUSTER_UUID, KAFKA_BOOTSTRAP_BROKERS, SEARCH_ENDPOINT, SEARCH_MASTER_ROLE_ARN,
    *shared_load_balancer("internal").all(), *shared_load_balancer("internet-facing").all(),
)
