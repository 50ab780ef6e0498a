"""A small platform stack holding only what application entries need, for emulator drills.

It wears the real environment's provider (assumed deploy role, allowed account, default tags), builds a
bare VPC (two public and two private subnets, a stand-in for the cluster's security group) and a
stand-in alarm topic instead of the whole Network and monitoring constructs, publishes the same platform
values as the platform stack, and instantiates the real :class:`EnvironmentIngress` (zones, delegation,
log bucket, WAF, shared load balancers). The environment's real ``<env>-app-<name>`` stacks can then be
applied against it, AWS part only.

No data store is created (the drill is about entries): what the stores publish (endpoints, the database's
resource id, the Kafka cluster's UUID, the ARNs of the master secret, its key and the search master role) is
published as stand-ins shaped as AWS writes them, because the application stacks read them for their grants
and endpoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Key prefixes (``<store>/…``) of the platform values the data stores publish.
DATA_STORES = ("postgres", "redis", "kafka", "search")


def data_stand_ins(naming: Any, region: str, account_id: str) -> dict[Any, str]:
    """Every data-store value of the platform values table, as the stores of ``naming``'s environment would
    publish it in ``region`` and ``account_id`` (names from the environment's naming, made-up ids)."""
    from platform_constructs.parameters import table

    postgres, redis, kafka = naming.name("postgres"), naming.name("redis"), naming.name("kafka")
    stand_ins = {
        table.POSTGRES_ENDPOINT: f"{postgres}.c1a2b3c4d5e6.{region}.rds.amazonaws.com",
        table.POSTGRES_RESOURCE_ID: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        table.POSTGRES_MASTER_SECRET_ARN:
            f"arn:aws:secretsmanager:{region}:{account_id}:secret:rds!db-5f0c2a4e-1b7d-4c3e-9a8f-2d6b1e0c7a95-Ab1Cd2",
        table.POSTGRES_MASTER_SECRET_KEY_ARN:
            f"arn:aws:kms:{region}:{account_id}:key/0b7e6f2c-3d1a-4e5b-8c9d-7a6f5e4d3c2b",
        table.REDIS_PRIMARY_ENDPOINT: f"master.{redis}.a1b2c3.{region}.cache.amazonaws.com",
        table.REDIS_READER_ENDPOINT: f"replica.{redis}.a1b2c3.{region}.cache.amazonaws.com",
        table.KAFKA_CLUSTER_UUID: "3c9d2e1f-6a7b-4c8d-9e0f-1a2b3c4d5e6f-2",
        table.KAFKA_BOOTSTRAP_BROKERS: ",".join(f"b-{broker}.{kafka}.a1b2c3.c2.kafka.{region}.amazonaws.com:9098"
                                                for broker in (1, 2)),
        table.SEARCH_ENDPOINT: f"vpc-{naming.name('search')}-a1b2c3d4e5f6g7h8.{region}.es.amazonaws.com",
        table.SEARCH_MASTER_ROLE_ARN: f"arn:aws:iam::{account_id}:role/{naming.name('search-admin')}",
    }
    published = {value for value in table.TABLE if value.key.split("/")[0] in DATA_STORES}
    assert set(stand_ins) == published, f"a stand-in for each of {sorted(value.key for value in published)}"
    return stand_ins


def write_traffic_stack(outdir: Path, platform: Any, env_name: str) -> Path:
    """Synthesize ``<env>-traffic`` into ``outdir``; returns the stack directory."""
    from platform_constructs._internal.tf import App, LocalBackend, TerraformStack, aws
    from platform_constructs.config.schema import AwsTarget
    from platform_constructs.ingress.environment_ingress import EnvironmentIngress
    from platform_constructs.naming import Naming
    from platform_constructs.observability.log_group import LogSettings
    from platform_constructs.parameters import table
    from platform_constructs.parameters.platform_values import PlatformValuesWriter
    from platform_constructs.security.kms_key import KmsKey, KmsKeyProps
    from platform_constructs.stacks.common import aws_provider

    env = platform.environments[env_name]
    naming = Naming(env.naming.prefix, env.name)
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, f"{env_name}-traffic")
    LocalBackend(stack, path="terraform.tfstate")
    aws_provider(stack, env.aws, env.all_tags, role_arn=env.aws.deploy_role_arn)
    delegation = platform.shared.delegation_for(env_name)
    parent = aws_provider(stack, AwsTarget(account_id=delegation.account_id, region=delegation.region), env.all_tags,
                          role_arn=delegation.role_arn, alias="dns-parent")
    vpc = aws.vpc.Vpc(stack, "Vpc", cidr_block=env.network.cidr, enable_dns_support=True, enable_dns_hostnames=True)
    subnets: dict[str, list[str]] = {"public": [], "private": []}
    for index, (tier, zone) in enumerate((tier, zone) for tier in subnets for zone in "ab"):
        subnet = aws.subnet.Subnet(stack, f"{tier}-{zone}", vpc_id=vpc.id, availability_zone=f"{env.aws.region}{zone}",
                                   cidr_block=env.network.cidr.replace(".0.0/16", f".{index}.0/24"))
        subnets[tier].append(subnet.id)
    pods = aws.security_group.SecurityGroup(stack, "ClusterSecurityGroup", name=naming.name("cluster"), vpc_id=vpc.id,
                                            description="stand-in for the EKS cluster security group")
    key = KmsKey(stack, "LogsKey", props=KmsKeyProps(alias=naming.name("logs"), description="logs",
                                                     service_principals=("logs",)))
    # the application alarms notify the environment's topic (the platform stack's AlarmTopic)
    alarms = aws.sns_topic.SnsTopic(stack, "AlarmTopic", name=naming.name("alarms"))
    values = PlatformValuesWriter(stack, "PlatformValues", naming=naming)
    for value, content in ((table.VPC_ID, vpc.id), (table.VPC_CIDR, env.network.cidr),
                           (table.PUBLIC_SUBNET_IDS, subnets["public"]), (table.PRIVATE_SUBNET_IDS, subnets["private"]),
                           (table.CLUSTER_SECURITY_GROUP_ID, pods.id), (table.ALARM_TOPIC_ARN, alarms.arn),
                           *data_stand_ins(naming, env.aws.region, env.aws.account_id).items()):
        values.publish(value, content)
    EnvironmentIngress(
        stack, "Ingress", naming=naming, dns=env.dns, ingress=env.ingress,
        entries=[workload.ingress for workload in env.apps.values() if workload.ingress is not None],
        account_id=env.aws.account_id, vpc_id=vpc.id, vpc_cidr=env.network.cidr,
        public_subnet_ids=subnets["public"], private_subnet_ids=subnets["private"],
        logs=LogSettings(retention_days=env.logs.retention_days, kms_key_arn=key.arn), values=values,
        parent_provider=parent, parent_domain=delegation.parent_domain,
    )
    app.synth()
    return outdir / "stacks" / f"{env_name}-traffic"
