"""RedisProps: every bad value is refused naming its field; tier presets and floors of [redis]."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value
from refusals import refusal

from platform_constructs.config import load_platform
from platform_constructs.data.redis_props import RedisProps
from platform_constructs.errors import ConfigError

# (props, field named in the error, fragment of the message)
BAD_PROPS = [
    ({"engine": "memcached"}, "engine", "'valkey' or 'redis'"),
    ({"engine_version": "8"}, "engine_version", "major.minor version such as '8.0'"),
    ({"engine_version": "7.0"}, "engine_version", "valkey 7.0 is older than 7.2"),
    ({"engine": "redis", "engine_version": "6.2"}, "engine_version", "redis 6.2 is older than 7.0"),
    ({"engine": "redis", "engine_version": "8.0"}, "engine_version", "Redis OSS ends at 7.1"),
    ({"node_type": "m7g.large"}, "node_type", "should match pattern"),
    ({"node_count": 0}, "node_count", "greater than or equal to 1"),
    ({"node_count": 7}, "node_count", "less than or equal to 6"),
    ({"node_count": 1}, "automatic_failover", "needs node_count >= 2 (a replica to promote); node_count is 1"),
    ({"node_count": 2, "automatic_failover": False}, "multi_az", "needs automatic_failover = true"),
    ({"snapshot_retention_days": 36}, "snapshot_retention_days", "less than or equal to 35"),
    ({"snapshot_window": "03:00-03:30"}, "snapshot_window", "lasts 30 minutes; allowed are 60"),
    ({"snapshot_window": "05:00-06:00", "maintenance_window": "sun:05:30-sun:06:30"}, "maintenance_window",
     "overlaps snapshot_window '05:00-06:00' by 30 minutes a week"),
    ({"port": 80}, "port", "greater than or equal to 1024"),
    ({"log_types": ("slow-log", "audit-log")}, "log_types.1", "'slow-log' or 'engine-log'"),
    ({"log_types": ("slow-log", "slow-log")}, "log_types", "lists a log type more than once"),
    ({"users": ({"name": "App"},)}, "users.0.name", "should match pattern"),
    ({"users": ({"name": "default"},)}, "users.0.name", "'default' is reserved"),
    ({"users": ({"name": "app"}, {"name": "app"})}, "users", "names app more than once"),
    ({"users": ({"name": "app", "access_string": "~* +@all"},)}, "users.0.access_string", "must start with 'on'"),
    ({"users": ({"name": "app", "access_string": "on >s3cret ~* +@all"},)}, "users.0.access_string",
     "contains '>s3cret': passwords never go in an access string"),
    ({"users": ({"name": "app", "access_string": "on nopass ~* +@all"},)}, "users.0.access_string",
     "contains 'nopass'"),
    ({"auth_token": "hunter2"}, "auth_token", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("props", "field", "fragment"), BAD_PROPS,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(BAD_PROPS)])
def test_bad_props_are_refused_naming_the_field(props, field, fragment):
    fields, message = refusal(RedisProps, props)
    assert fields == [field]
    assert fragment in message


@pytest.mark.parametrize(("props", "family"), [
    ({}, "valkey8"),
    ({"engine_version": "7.2"}, "valkey7"),
    ({"engine": "redis", "engine_version": "7.1"}, "redis7"),
])
def test_parameter_group_family_follows_engine_and_major_version(props, family):
    assert RedisProps(**props).parameter_group_family == family


def test_a_single_node_cache_without_failover_is_valid():
    props = RedisProps(node_count=1, automatic_failover=False, multi_az=False)
    assert (props.node_count, props.automatic_failover, props.multi_az) == (1, False, False)


@pytest.mark.parametrize(("env", "expected"), [
    ("dev", {"engine": "valkey", "node_count": 1, "automatic_failover": False, "multi_az": False,
             "snapshot_retention_days": 1, "deletion_protection": False, "log_types": ("slow-log",)}),
    ("staging", {"engine": "valkey", "node_count": 2, "automatic_failover": True, "multi_az": True,
                 "snapshot_retention_days": 7, "deletion_protection": True,
                 "log_types": ("slow-log", "engine-log")}),
    ("prod", {"engine": "valkey", "node_count": 3, "automatic_failover": True, "multi_az": True,
              "snapshot_retention_days": 15, "deletion_protection": True, "log_types": ("slow-log", "engine-log")}),
])
def test_tier_presets(platform, env, expected):
    redis = platform.environments[env].redis
    assert {field: getattr(redis, field) for field in expected} == expected


# (file, (dotted key, value), field named in the problem, fragment of the message)
BAD_ENVIRONMENTS = [
    ("prod.toml", ("redis.snapshot_retention_days", 7), "redis.snapshot_retention_days", "at least 15 in tier prod"),
    ("prod.toml", ("redis.deletion_protection", False), "redis.deletion_protection", "must be true in tier prod"),
    ("prod.toml", ("redis.multi_az", False), "redis.multi_az", "must be true in tier prod"),
    ("staging.toml", ("redis.snapshot_retention_days", 1), "redis.snapshot_retention_days",
     "at least 7 in tier staging"),
    ("staging.toml", ("redis.engine", "redis"), "redis.engine_version", "Redis OSS ends at 7.1"),
    ("staging.toml", ("redis.log_types", ["slow-log"]), "redis.log_types", "differs from prod"),
    ("dev.toml", ("redis.automatic_failover", True), "redis.automatic_failover", "needs node_count >= 2"),
]


@pytest.mark.parametrize(("file", "edit", "field", "fragment"), BAD_ENVIRONMENTS,
                         ids=[f"{c[0]}-{c[2]}" for c in BAD_ENVIRONMENTS])
def test_bad_environment_is_refused_naming_file_and_field(tmp_path, file, edit, field, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, file, *edit)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    matching = [p for p in raised.value.problems if p.field == field and p.file.endswith(file)]
    assert matching, str(raised.value)
    assert any(fragment in p.message for p in matching), str(raised.value)


def test_users_come_from_an_array_of_tables_and_default_is_refused(tmp_path):
    directory = copy_environments(tmp_path)
    dev = directory / "dev.toml"
    dev.write_text(dev.read_text() + '\n[[redis.users]]\nname = "reports"\naccess_string = "on ~reports:* +@read"\n')
    [user] = load_platform(directory).environments["dev"].redis.users
    assert (user.name, user.access_string) == ("reports", "on ~reports:* +@read")
    dev.write_text(dev.read_text() + '\n[[redis.users]]\nname = "default"\n')
    with pytest.raises(ConfigError, match=r"dev.toml: redis.users.1.name = \"default\": 'default' is reserved"):
        load_platform(directory)


def test_prod_floor_refuses_a_single_node_even_with_failover_turned_off(tmp_path):
    directory = copy_environments(tmp_path)
    for key, value in (("redis.node_count", 1), ("redis.automatic_failover", False), ("redis.multi_az", False)):
        set_value(directory, "prod.toml", key, value)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    assert {p.field for p in raised.value.problems if p.file.endswith("prod.toml")} >= {
        "redis.node_count", "redis.automatic_failover", "redis.multi_az"}
