"""allow_from on both data stores: exactly one ingress rule, one port, one source security group."""

from __future__ import annotations

import pytest
from tfjson import only, resources_of, strip_metadata

from platform_constructs.data.postgres_props import PostgresProps
from platform_constructs.data.redis_props import RedisProps
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings

LOGS = LogSettings(retention_days=30, kms_key_arn="arn:aws:kms:eu-west-1:111111111111:key/logs")
STORES = [
    ("PostgresDatabase", PostgresProps(port=5433), 5433, "PostgreSQL from Workload"),
    ("RedisCache", RedisProps(port=6380), 6380, "Valkey/Redis from Workload"),
]


def _store(stack, class_name, props):
    from platform_constructs.data.postgres import PostgresDatabase
    from platform_constructs.data.redis import RedisCache

    store_class = {"PostgresDatabase": PostgresDatabase, "RedisCache": RedisCache}[class_name]
    return store_class(stack, "Store", props=props, naming=Naming("acme", "test"), vpc_id="vpc-123",
                       subnet_group_name="subnets", logs=LOGS)


def _workload(stack, construct_id="Workload"):
    """A real construct whose traffic leaves from its own security group (what an EKS cluster exposes)."""
    from platform_constructs._internal.tf import Construct, aws

    workload = Construct(stack, construct_id)
    group = aws.security_group.SecurityGroup(workload, "Nodes", name=construct_id.lower(), vpc_id="vpc-123",
                                             description="workload nodes")
    workload.security_group_id = group.id
    return workload


@pytest.mark.parametrize(("class_name", "props", "port", "description"), STORES, ids=[s[0] for s in STORES])
def test_allow_from_opens_exactly_one_port_from_one_security_group(synth_stack, class_name, props, port, description):
    def build(stack):
        _store(stack, class_name, props).allow_from(_workload(stack))

    config = synth_stack(build)
    rule = only(config, "aws_vpc_security_group_ingress_rule")
    store_group = next(name for name in resources_of(config, "aws_security_group") if name.startswith("Store"))
    source_group = next(name for name in resources_of(config, "aws_security_group") if name.startswith("Workload"))
    assert strip_metadata(rule) == {
        "security_group_id": f"${{aws_security_group.{store_group}.id}}",
        "referenced_security_group_id": f"${{aws_security_group.{source_group}.id}}",
        "ip_protocol": "tcp", "from_port": port, "to_port": port, "description": description,
    }


@pytest.mark.parametrize(("class_name", "props"), [(s[0], s[1]) for s in STORES], ids=[s[0] for s in STORES])
def test_each_source_gets_its_own_rule_and_wiring_one_twice_fails(synth_stack, class_name, props):
    def build_two(stack):
        store = _store(stack, class_name, props)
        store.allow_from(_workload(stack, "Api"))
        store.allow_from(_workload(stack, "Worker"))

    assert len(resources_of(synth_stack(build_two), "aws_vpc_security_group_ingress_rule")) == 2

    def build_twice(stack):
        store = _store(stack, class_name, props)
        workload = _workload(stack)
        store.allow_from(workload)
        store.allow_from(workload)

    with pytest.raises(Exception, match="AllowFromWorkloadPort"):
        synth_stack(build_twice)


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize(("store", "port"), [("Postgres", 5432), ("Redis", 6379)])
def test_platform_stack_opens_each_store_to_the_cluster_only(stack_json, env, store, port):
    config = stack_json(env)
    [group] = [name for name in resources_of(config, "aws_security_group") if name.startswith(f"{store}_SecurityGroup")]
    rules = [rule for rule in resources_of(config, "aws_vpc_security_group_ingress_rule").values()
             if rule["security_group_id"] == f"${{aws_security_group.{group}.id}}"]
    assert [(rule["from_port"], rule["to_port"], rule["ip_protocol"]) for rule in rules] == [(port, port, "tcp")]
    assert rules[0]["referenced_security_group_id"].startswith("${aws_eks_cluster.")
    assert rules[0]["referenced_security_group_id"].endswith(".cluster_security_group_id}")
