"""The emulator adjustments that restore what the data stores publish: the MSK cluster's UUID in its ARN and the
ElastiCache reader endpoint. Applied to moto in this process (restored afterwards) and called through boto3."""

from __future__ import annotations

import re

import boto3
import pytest

from local_aws.adjustments import registered

REGION = "eu-west-1"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def adjusted(monkeypatch):
    """moto with the two adjustments applied, as the emulator applies them; the originals come back afterwards."""
    from moto import mock_aws
    from moto.elasticache.models import ReplicationGroup
    from moto.kafka.models import FakeKafkaCluster

    # the adjustment replaces this private moto method; monkeypatch puts the original back afterwards
    monkeypatch.setattr(FakeKafkaCluster, "_generate_arn", FakeKafkaCluster._generate_arn)  # noqa: SLF001
    monkeypatch.setattr(ReplicationGroup, "__init__", ReplicationGroup.__init__)
    wanted = {"kafka-cluster-arn", "elasticache-reader-endpoint"}
    adjustments = [item for item in registered() if item.name in wanted]
    assert {item.name for item in adjustments} == wanted
    for item in adjustments:
        item.apply()
    with mock_aws():
        yield


def test_an_msk_cluster_arn_names_the_cluster_then_its_uuid(adjusted):
    kafka = boto3.client("kafka", region_name=REGION)
    arn = kafka.create_cluster(ClusterName="acme-dev-kafka", KafkaVersion="3.8.x", NumberOfBrokerNodes=2,
                               BrokerNodeGroupInfo={"ClientSubnets": ["subnet-a", "subnet-b"],
                                                    "InstanceType": "kafka.t3.small"})["ClusterArn"]
    account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    assert re.fullmatch(rf"arn:aws:kafka:{REGION}:{account}:cluster/acme-dev-kafka/{UUID}", arn)
    assert kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]["ClusterArn"] == arn
    assert [cluster["ClusterArn"] for cluster in kafka.list_clusters()["ClusterInfoList"]] == [arn]


@pytest.mark.parametrize("nodes", [1, 2], ids=["primary only", "primary and a replica"])
def test_a_replication_group_without_cluster_mode_has_a_reader_endpoint(adjusted, nodes):
    cache = boto3.client("elasticache", region_name=REGION)
    cache.create_replication_group(ReplicationGroupId="acme-dev-redis", ReplicationGroupDescription="cache",
                                   Engine="valkey", CacheNodeType="cache.t4g.micro", NumCacheClusters=nodes)
    [group] = cache.describe_replication_groups(ReplicationGroupId="acme-dev-redis")["ReplicationGroups"]
    [shard] = group["NodeGroups"]
    assert shard["ReaderEndpoint"]["Port"] == shard["PrimaryEndpoint"]["Port"] == 6379
    assert shard["ReaderEndpoint"]["Address"].startswith("replica.acme-dev-redis.")
    assert shard["ReaderEndpoint"]["Address"] != shard["PrimaryEndpoint"]["Address"]
