"""What exists in one account and region of the emulator, read through the AWS APIs.

An inventory is a mapping ``kind -> sorted descriptions`` (``"ec2:vpc" -> ("vpc-1a2b 10.10.0.0/16",)``),
read with boto3 exactly as a user would. Descriptions carry the attributes the drills compare
(CIDRs, retention, engine versions, sizes), so two inventories differ when the infrastructure
differs. Used to print what ``make deploy-local`` created, and by the emulator drills
(destroy leaves the account as it found it; a state rollback brings back the first inventory).

Things that are going away count as gone: KMS keys pending deletion, deleted NAT gateways,
endpoints and clusters in a ``deleting``/``deleted`` state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

Inventory = dict[str, tuple[str, ...]]
ClientFactory = Callable[[str], Any]

_GONE = {"deleted", "deleting", "pendingdeletion", "pending_deletion", "delete_in_progress", "pendingdelete"}


def _alive(state: object) -> bool:
    return str(state or "").replace("-", "").replace(" ", "").lower() not in _GONE


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in item.get("Tags", []) or []}


def _paged(client: Any, operation: str, key: str, **kwargs: Any) -> Iterable[Any]:
    if client.can_paginate(operation):
        for page in client.get_paginator(operation).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(client, operation)(**kwargs).get(key, [])


def _ec2(clients: ClientFactory) -> Inventory:
    ec2 = clients("ec2")
    vpcs = [v for v in _paged(ec2, "describe_vpcs", "Vpcs") if not v.get("IsDefault")]
    vpc_ids = [v["VpcId"] for v in vpcs]
    in_vpcs = [{"Name": "vpc-id", "Values": vpc_ids}] if vpc_ids else None

    def within(operation: str, key: str) -> list[dict[str, Any]]:
        return list(_paged(ec2, operation, key, Filters=in_vpcs)) if in_vpcs else []

    return {
        "ec2:vpc": tuple(f"{v['VpcId']} {v['CidrBlock']}" for v in vpcs),
        "ec2:subnet": tuple(f"{s['SubnetId']} {s['CidrBlock']} {s['AvailabilityZone']}"
                            for s in within("describe_subnets", "Subnets")),
        "ec2:route-table": tuple(
            f"{t['RouteTableId']} routes={len(t.get('Routes', []))}"
            for t in within("describe_route_tables", "RouteTables")),
        "ec2:nat-gateway": tuple(n["NatGatewayId"] for n in within("describe_nat_gateways", "NatGateways")
                                 if _alive(n.get("State"))),
        "ec2:internet-gateway": tuple(
            g["InternetGatewayId"] for g in _paged(ec2, "describe_internet_gateways", "InternetGateways")
            if any(a.get("VpcId") in vpc_ids for a in g.get("Attachments", []))),
        "ec2:elastic-ip": tuple(a["AllocationId"] for a in ec2.describe_addresses().get("Addresses", [])),
        "ec2:security-group": tuple(
            f"{g['GroupId']} {g['GroupName']} in={len(g.get('IpPermissions', []))}"
            for g in within("describe_security_groups", "SecurityGroups")),
        "ec2:vpc-endpoint": tuple(f"{e['VpcEndpointId']} {e['ServiceName']}"
                                  for e in within("describe_vpc_endpoints", "VpcEndpoints") if _alive(e.get("State"))),
        "ec2:flow-log": tuple(f"{f['FlowLogId']} {f.get('TrafficType')}"
                              for f in _paged(ec2, "describe_flow_logs", "FlowLogs") if f.get("ResourceId") in vpc_ids),
        "ec2:launch-template": tuple(
            f"{t['LaunchTemplateName']} v{t.get('LatestVersionNumber')}"
            for t in _paged(ec2, "describe_launch_templates", "LaunchTemplates")),
    }


def _kms(clients: ClientFactory) -> Inventory:
    kms = clients("kms")
    keys = []
    for key in _paged(kms, "list_keys", "Keys"):
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") == "CUSTOMER" and _alive(meta.get("KeyState")):
            rotation = kms.get_key_rotation_status(KeyId=key["KeyId"]).get("KeyRotationEnabled")
            keys.append(f"{meta['KeyId']} {meta.get('Description', '')!r} rotation={rotation}")
    aliases = tuple(a["AliasName"] for a in _paged(kms, "list_aliases", "Aliases")
                    if not a["AliasName"].startswith("alias/aws/") and a.get("TargetKeyId"))
    return {"kms:key": tuple(keys), "kms:alias": aliases}


def _logs(clients: ClientFactory) -> Inventory:
    return {"logs:log-group": tuple(
        f"{g['logGroupName']} retention={g.get('retentionInDays')} kms={'yes' if g.get('kmsKeyId') else 'no'}"
        for g in _paged(clients("logs"), "describe_log_groups", "logGroups"))}


def _iam(clients: ClientFactory) -> Inventory:
    iam = clients("iam")
    return {
        "iam:role": tuple(r["RoleName"] for r in _paged(iam, "list_roles", "Roles")
                          if not r["Path"].startswith("/aws-service-role/")),
        "iam:policy": tuple(p["PolicyName"] for p in _paged(iam, "list_policies", "Policies", Scope="Local")),
    }


def _s3(clients: ClientFactory) -> Inventory:
    s3 = clients("s3")
    buckets = []
    for bucket in s3.list_buckets().get("Buckets", []):
        versioning = s3.get_bucket_versioning(Bucket=bucket["Name"]).get("Status", "Disabled")
        buckets.append(f"{bucket['Name']} versioning={versioning}")
    return {"s3:bucket": tuple(buckets)}


def _eks(clients: ClientFactory) -> Inventory:
    eks = clients("eks")
    clusters, nodegroups, addons = [], [], []
    for name in _paged(eks, "list_clusters", "clusters"):
        cluster = eks.describe_cluster(name=name)["cluster"]
        if not _alive(cluster.get("status")):
            continue
        clusters.append(f"{name} k8s={cluster.get('version')}")
        for group in _paged(eks, "list_nodegroups", "nodegroups", clusterName=name):
            nodegroup = eks.describe_nodegroup(clusterName=name, nodegroupName=group)["nodegroup"]
            scaling = nodegroup.get("scalingConfig", {})
            nodegroups.append(f"{name}/{group} min={scaling.get('minSize')} max={scaling.get('maxSize')}")
        addons += [f"{name}/{addon}" for addon in _paged(eks, "list_addons", "addons", clusterName=name)]
    return {"eks:cluster": tuple(clusters), "eks:nodegroup": tuple(nodegroups), "eks:addon": tuple(addons)}


def _rds(clients: ClientFactory) -> Inventory:
    rds = clients("rds")
    return {
        "rds:db-instance": tuple(
            f"{d['DBInstanceIdentifier']} {d['Engine']} {d.get('EngineVersion')} {d['DBInstanceClass']} "
            f"multi_az={d.get('MultiAZ')}"
            for d in _paged(rds, "describe_db_instances", "DBInstances") if _alive(d.get("DBInstanceStatus"))),
        "rds:db-cluster": tuple(c["DBClusterIdentifier"] for c in _paged(rds, "describe_db_clusters", "DBClusters")
                                if _alive(c.get("Status"))),
        "rds:subnet-group": tuple(g["DBSubnetGroupName"]
                                  for g in _paged(rds, "describe_db_subnet_groups", "DBSubnetGroups")),
        "rds:parameter-group": tuple(
            g["DBParameterGroupName"] for g in _paged(rds, "describe_db_parameter_groups", "DBParameterGroups")
            if not g["DBParameterGroupName"].startswith("default.")),
    }


def _elasticache(clients: ClientFactory) -> Inventory:
    elasticache = clients("elasticache")
    return {
        "elasticache:replication-group": tuple(
            f"{g['ReplicationGroupId']} {g.get('CacheNodeType')} members={len(g.get('MemberClusters', []))}"
            for g in _paged(elasticache, "describe_replication_groups", "ReplicationGroups")
            if _alive(g.get("Status"))),
        "elasticache:subnet-group": tuple(
            g["CacheSubnetGroupName"] for g in _paged(elasticache, "describe_cache_subnet_groups", "CacheSubnetGroups")
            if g["CacheSubnetGroupName"] != "default"),
    }


def _kafka(clients: ClientFactory) -> Inventory:
    kafka = clients("kafka")
    # DescribeCluster, not ListClusters: the emulator lists clusters without their broker count
    clusters = [kafka.describe_cluster(ClusterArn=c["ClusterArn"])["ClusterInfo"]
                for c in _paged(kafka, "list_clusters", "ClusterInfoList") if _alive(c.get("State"))]
    return {"kafka:cluster": tuple(f"{c['ClusterName']} brokers={c['NumberOfBrokerNodes']}" for c in clusters)}


def _opensearch(clients: ClientFactory) -> Inventory:
    opensearch = clients("opensearch")
    names = [d["DomainName"] for d in opensearch.list_domain_names().get("DomainNames", [])]
    domains = opensearch.describe_domains(DomainNames=names)["DomainStatusList"] if names else []
    return {"opensearch:domain": tuple(
        f"{d['DomainName']} {d.get('EngineVersion')} nodes={d.get('ClusterConfig', {}).get('InstanceCount')}"
        for d in domains if not d.get("Deleted"))}


def _ecr(clients: ClientFactory) -> Inventory:
    ecr = clients("ecr")

    def lifecycle(name: str) -> str:
        try:
            text = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
        except ecr.exceptions.LifecyclePolicyNotFoundException:
            return "none"
        return hashlib.sha256(json.dumps(json.loads(text), sort_keys=True).encode()).hexdigest()[:12]

    return {"ecr:repository": tuple(
        f"{r['repositoryName']} tags={r.get('imageTagMutability')} lifecycle={lifecycle(r['repositoryName'])}"
        for r in _paged(ecr, "describe_repositories", "repositories"))}


def _monitoring(clients: ClientFactory) -> Inventory:
    return {
        "sns:topic": tuple(t["TopicArn"].rsplit(":", 1)[-1] for t in _paged(clients("sns"), "list_topics", "Topics")),
        "cloudwatch:alarm": tuple(a["AlarmName"] for a in _paged(clients("cloudwatch"), "describe_alarms",
                                                                   "MetricAlarms")),
    }


def _secrets(clients: ClientFactory) -> Inventory:
    return {"secretsmanager:secret": tuple(
        s["Name"] for s in _paged(clients("secretsmanager"), "list_secrets", "SecretList") if not s.get("DeletedDate"))}


_READERS: tuple[Callable[[ClientFactory], Inventory], ...] = (
    _ec2, _kms, _logs, _iam, _s3, _eks, _rds, _elasticache, _kafka, _opensearch, _ecr, _monitoring, _secrets,
)


def inventory(clients: ClientFactory) -> Inventory:
    """Everything the platform's stacks can create, in the account ``clients`` acts in."""
    found: Inventory = {}
    for reader in _READERS:
        for kind, items in reader(clients).items():
            found[kind] = tuple(sorted(items))
    return found


def difference(before: Inventory, after: Inventory) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per kind, what ``after`` added and removed relative to ``before`` (kinds without change omitted)."""
    changes: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind in sorted(set(before) | set(after)):
        old, new = set(before.get(kind, ())), set(after.get(kind, ()))
        if old != new:
            changes[kind] = {"added": tuple(sorted(new - old)), "removed": tuple(sorted(old - new))}
    return changes


def render(inventory_: Inventory) -> str:
    """Indented listing of the non-empty kinds."""
    lines = []
    for kind, items in inventory_.items():
        if items:
            lines.append(f"  {kind} ({len(items)})")
            lines += [f"    {item}" for item in items]
    return "\n".join(lines) if lines else "  (nothing)"
