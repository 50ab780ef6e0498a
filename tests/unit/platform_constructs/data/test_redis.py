"""RedisCache: synthesized ElastiCache resources per props and per tier."""

from __future__ import annotations

import pytest
from tfjson import only, reference, resources_of

from platform_constructs.data.redis_props import CacheUser, RedisProps
from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings

LOG_KEY = "arn:aws:kms:eu-west-1:111111111111:key/logs"
LOGS = LogSettings(retention_days=30, kms_key_arn=LOG_KEY)


def build_cache(props: RedisProps, *, keep: dict | None = None):
    def build(stack):
        from platform_constructs.data.redis import RedisCache

        cache = RedisCache(stack, "Redis", props=props, naming=Naming("acme", "test"), vpc_id="vpc-123",
                           subnet_group_name="acme-test-cache", logs=LOGS)
        if keep is not None:
            keep["cache"] = cache
    return build


# -- the same in every tier -------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_tier_requires_tls_encrypts_with_its_key_and_has_no_token(stack_json, env):
    config = stack_json(env)
    group = only(config, "aws_elasticache_replication_group")
    assert (group["engine"], group["engine_version"]) == ("valkey", "8.0")
    assert group["transit_encryption_enabled"] is True
    assert group["transit_encryption_mode"] == "required"
    assert group["at_rest_encryption_enabled"] == "true"
    assert group["kms_key_id"] == reference(config, "aws_kms_key", "arn", "Redis_Key")
    assert "auth_token" not in group
    assert group["user_group_ids"] == [reference(config, "aws_elasticache_user_group", "user_group_id", "Redis")]
    expected = reference(config, "aws_elasticache_subnet_group", "name", "Network_CacheSubnetGroup")
    assert group["subnet_group_name"] == expected
    assert group["security_group_ids"] == [reference(config, "aws_security_group", "id", "Redis_SecurityGroup")]
    assert all("passwords" not in user for user in resources_of(config, "aws_elasticache_user").values())


@pytest.mark.parametrize(("env", "expected", "logs"), [
    ("dev", {"node_type": "cache.t4g.micro", "num_cache_clusters": 1, "automatic_failover_enabled": False,
             "multi_az_enabled": False, "snapshot_retention_limit": 1}, ["slow-log"]),
    ("staging", {"node_type": "cache.t4g.medium", "num_cache_clusters": 2, "automatic_failover_enabled": True,
                 "multi_az_enabled": True, "snapshot_retention_limit": 7}, ["slow-log", "engine-log"]),
    ("prod", {"node_type": "cache.m7g.large", "num_cache_clusters": 3, "automatic_failover_enabled": True,
              "multi_az_enabled": True, "snapshot_retention_limit": 15}, ["slow-log", "engine-log"]),
])
def test_tier_settings_reach_the_replication_group(stack_json, env, expected, logs):
    group = only(stack_json(env), "aws_elasticache_replication_group")
    assert {key: group[key] for key in expected} == expected
    assert [entry["log_type"] for entry in group["log_delivery_configuration"]] == logs
    protected = env != "dev"
    assert group["lifecycle"] == {"prevent_destroy": protected}
    assert group.get("final_snapshot_identifier") == (f"acme-{env}-redis-final" if protected else None)


# -- single construct ------------------------------------------------------------------------------------


def test_default_user_is_disabled_and_application_users_sign_in_with_iam(synth_stack):
    users = (CacheUser(name="app"), CacheUser(name="reports", access_string="on ~reports:* +@read"))
    config = synth_stack(build_cache(RedisProps(users=users)))
    by_name = {user["user_name"]: user for user in resources_of(config, "aws_elasticache_user").values()}
    default = by_name.pop("default")
    assert default["access_string"].startswith("off ")
    assert default["user_id"] == "acme-test-redis-default"
    assert sorted(by_name) == ["acme-test-redis-app", "acme-test-redis-reports"]
    for name, user in by_name.items():
        assert user["user_id"] == name
        assert user["authentication_mode"] == {"type": "iam"}
    assert by_name["acme-test-redis-reports"]["access_string"] == "on ~reports:* +@read"
    group = only(config, "aws_elasticache_user_group")
    assert group["user_group_id"] == "acme-test-redis"
    assert len(group["user_ids"]) == 3
    assert {user["engine"] for user in resources_of(config, "aws_elasticache_user").values()} == {group["engine"]}


def test_parameter_group_is_named_by_family_and_replaced_before_destroy(synth_stack):
    config = synth_stack(build_cache(RedisProps(parameters={"maxmemory-policy": "allkeys-lru"})))
    group = only(config, "aws_elasticache_parameter_group")
    assert (group["name"], group["family"]) == ("acme-test-valkey8", "valkey8")
    assert group["lifecycle"] == {"create_before_destroy": True}
    assert group["parameter"] == [{"name": "maxmemory-policy", "value": "allkeys-lru"}]
    assert only(config, "aws_elasticache_replication_group")["parameter_group_name"] == \
        reference(config, "aws_elasticache_parameter_group", "name", "")


def test_switching_to_redis_oss_changes_family_under_the_same_logical_id(synth_stack):
    valkey = resources_of(synth_stack(build_cache(RedisProps())), "aws_elasticache_parameter_group")
    redis = resources_of(synth_stack(build_cache(RedisProps(engine="redis", engine_version="7.1"))),
                         "aws_elasticache_parameter_group")
    assert set(valkey) == set(redis)
    [address] = valkey
    assert (valkey[address]["family"], redis[address]["family"]) == ("valkey8", "redis7")
    assert redis[address]["name"] == "acme-test-redis7"


def test_logs_are_delivered_as_json_to_encrypted_groups(synth_stack):
    config = synth_stack(build_cache(RedisProps()))
    groups = {g["name"]: g for g in resources_of(config, "aws_cloudwatch_log_group").values()}
    assert sorted(groups) == ["/aws/elasticache/acme-test-redis/engine-log",
                              "/aws/elasticache/acme-test-redis/slow-log"]
    assert all((g["retention_in_days"], g["kms_key_id"]) == (30, LOG_KEY) for g in groups.values())
    deliveries = only(config, "aws_elasticache_replication_group")["log_delivery_configuration"]
    assert {(d["destination_type"], d["log_format"]) for d in deliveries} == {("cloudwatch-logs", "json")}
    assert all(d["destination"].startswith("${aws_cloudwatch_log_group.") for d in deliveries)


@pytest.mark.parametrize("protected", [True, False])
def test_deletion_protection_means_prevent_destroy_and_a_final_snapshot(synth_stack, protected):
    props = RedisProps(deletion_protection=protected)
    group = only(synth_stack(build_cache(props)), "aws_elasticache_replication_group")
    assert group["lifecycle"] == {"prevent_destroy": protected}
    assert ("final_snapshot_identifier" in group) is protected


@pytest.mark.parametrize("nodes", [1, 2, 5])
def test_member_cluster_ids_follow_the_elasticache_naming(synth_stack, nodes):
    keep: dict = {}
    failover = nodes > 1
    synth_stack(build_cache(RedisProps(node_count=nodes, automatic_failover=failover, multi_az=failover), keep=keep))
    cache = keep["cache"]
    assert cache.replication_group_id == "acme-test-redis"
    assert cache.member_cluster_ids == [f"acme-test-redis-{n:03d}" for n in range(1, nodes + 1)]
    assert cache.outputs["member_cluster_ids"] == cache.member_cluster_ids


def test_grant_connect_names_group_and_user(synth_stack):
    from grantees import RecordingGrantee

    keep: dict = {}
    synth_stack(build_cache(RedisProps(users=(CacheUser(name="app"),)), keep=keep))
    cache, role = keep["cache"], RecordingGrantee()
    statement = cache.grant_connect(role, "app")
    assert statement.actions == ("elasticache:Connect",)
    group, user = statement.resources
    assert group.startswith("arn:") and group.endswith(":replicationgroup:acme-test-redis")
    assert user.endswith(":user:acme-test-redis-app")
    with pytest.raises(ConstructValidationError) as raised:
        cache.grant_connect(role, "reports")
    assert raised.value.field == "users"
    assert "configured users: app" in str(raised.value)
    assert role.statements == [statement]
