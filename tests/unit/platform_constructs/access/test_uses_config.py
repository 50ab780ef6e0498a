"""[apps.<name>.uses]: the example environments, and every bad input refused with file, field and value."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value
from snippets import section_text

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.k8s.app_uses import KafkaUse, PostgresUse, RedisUse, SearchUse

WORKER = {"image_repository": "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker", "port": 8081,
          "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"}, "replicas": 2}
OTHER_DIGEST = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/someone-else@sha256:" + "a" * 64

#: (file, (dotted, value), field, fragment of the message)
USES_BAD_INPUTS = [
    ("dev.toml", ("search.enabled", False), "apps.api.uses.search", "the environment has no search"),
    ("dev.toml", ("apps.api.uses.kafka", {"publish": ["api.events"]}), "apps.api.uses.kafka",
     "unknown topic access mode 'publish'"),
    ("dev.toml", ("apps.api.uses.kafka", {"produce": ["orders.events"]}), "apps.api.uses.kafka.produce",
     "is not a topic of the environment"),
    ("dev.toml", ("apps.api.uses.kafka", {"consume": ["api.events"]}), "apps.api.uses.kafka.group",
     "is required to consume"),
    ("dev.toml", ("apps.worker", {**WORKER, "uses": {"postgres": {"user": "api", "access": "read-only"}}}),
     "apps.worker.uses.postgres.user", "is already the database user of application api"),
    ("dev.toml", ("apps.worker", {**WORKER, "uses": {"redis": {"user": "api"}}}), "apps.worker.uses.redis.user",
     "is already the cache user of application api"),
    ("dev.toml", ("apps.worker", {**WORKER, "uses": {"postgres": {"user": "worker", "schema": "api"}}}),
     "apps.worker.uses.postgres.schema", "is already the schema owned (read-write) of application api"),
    ("dev.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::aws:policy/AdministratorAccess"]),
     "apps.api.pod_policy_arns.0", "AdministratorAccess makes the pods administrators"),
    ("dev.toml", ("apps.api.uses.mongodb", {"user": "api"}), "apps.api.uses.mongodb",
     "unknown key; allowed keys here: apps, kafka, postgres, redis, search"),
    ("dev.toml", ("apps.api.uses.apps", ["billing"]), "apps.api.uses.apps", "is not an application of the environment"),
    ("dev.toml", ("apps.api.uses.postgres", {"user": "rds_admin"}), "apps.api.uses.postgres.user",
     "is reserved by PostgreSQL, RDS or the platform"),
    ("dev.toml", ("apps.api.uses.search", {"indices": ["*"]}), "apps.api.uses.search.indices.0",
     "String should match pattern"),
    ("dev.toml",
     ("data_access.runner_image", "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-platform-tools:1"),
     "data_access.runner_image", "String should match pattern"),
    ("dev.toml", ("data_access.runner_image", OTHER_DIGEST), "data_access.runner_image",
     "is not in a repository of the shared registry"),
    ("staging.toml", ("apps.api.uses.redis", {"user": "other"}), "apps.api.uses.redis.user", "differs from prod"),
    ("dev.toml", ("eks.deployer_roles.api-team", ["api", "data-grants-api"]), "eks.deployer_roles.api-team[1]",
     'starts with "data-grants-"'),
    ("dev.toml", ("apps.api.namespace", "data-grants-billing"), "apps.api.namespace", 'starts with "data-grants-"'),
]


@pytest.mark.parametrize(("file", "edit", "field", "fragment"), USES_BAD_INPUTS,
                         ids=[case[2] for case in USES_BAD_INPUTS])
def test_bad_uses_are_refused_naming_file_field_and_value(tmp_path, file, edit, field, fragment):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, file, *edit)
    with pytest.raises(ConfigError) as raised:
        load_platform(environments)
    matching = [problem for problem in raised.value.problems if problem.field == field]
    assert matching, [str(problem) for problem in raised.value.problems]
    assert matching[0].file.endswith(file)
    assert fragment in matching[0].message, matching[0].message


def test_staging_and_prod_declare_the_same_uses(platform):
    staging, prod = platform.environments["staging"], platform.environments["prod"]
    assert staging.apps["api"].uses == prod.apps["api"].uses
    assert staging.apps["api"].uses.stores == ("postgres", "redis", "kafka", "search")


def test_the_cache_creates_the_users_the_applications_declare(platform):
    [user] = platform.environments["prod"].cache_users
    assert (user.name, user.access_string) == ("api", "on ~api:* +@all -@dangerous")


@pytest.mark.parametrize(("model", "values", "fragment"), [
    (PostgresUse, {"user": "Orders"}, "String should match pattern"),
    (PostgresUse, {"user": "pg_monitor"}, "is reserved"),
    (PostgresUse, {"user": "orders", "access": "admin"}, "Input should be 'read-write' or 'read-only'"),
    (RedisUse, {"user": "orders", "keys": ["orders :*"]}, "String should match pattern"),
    (RedisUse, {"user": "orders", "keys": []}, "at least 1 item"),
    (KafkaUse, {}, "name at least one topic"),
    (KafkaUse, {"produce": ["a", "a"]}, "lists a topic twice"),
    (KafkaUse, {"produce": ["a"], "group": "g"}, "has no effect without topics to consume"),
    (SearchUse, {"indices": ["or*ders"]}, "String should match pattern"),
    (SearchUse, {"indices": ["orders-*"], "access": "admin"}, "Input should be 'read' or 'read-write'"),
])
def test_each_use_refuses_what_it_cannot_grant(model, values, fragment):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        model(**values)


def test_a_redis_use_defaults_to_its_own_key_prefix():
    assert RedisUse(user="orders").access_string == "on ~orders:* +@all -@dangerous"
    assert RedisUse(user="orders", keys=["orders:*", "shared:{x}"]).key_patterns == ("orders:*", "shared:{x}")


def test_the_readme_example_is_what_the_environments_declare_and_its_code_runs(platform, monkeypatch):
    import re
    import tomllib
    from pathlib import Path

    section = section_text("Giving an application its database")
    [toml_block] = re.findall(r"```toml\n(.*?)```", section, re.S)
    [python_block] = re.findall(r"```python\n(.*?)```", section, re.S)
    declared = tomllib.loads(toml_block)["apps"]["api"]["uses"]
    assert declared
    for env in ("dev", "staging", "prod"):
        uses = platform.environments[env].apps["api"].uses
        for store, values in declared.items():
            assert getattr(uses, store).model_dump(by_alias=True, exclude_unset=True) == values
    monkeypatch.chdir(Path(__file__).resolve().parents[4])
    exec(compile(python_block, "README.md", "exec"), {})  # noqa: S102 - the README's own example must run
