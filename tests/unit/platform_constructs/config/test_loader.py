"""Environment files: presets, overrides, and every kind of bad input refused with its field."""

from __future__ import annotations

import re

import pytest
from envfiles import copy_environments, delete_value, set_value

from platform_constructs.config import load_platform
from platform_constructs.config.presets import Floor, preset
from platform_constructs.errors import ConfigError

EXPLICIT_OVERLAPPING_SUBNETS = {
    "public": {"eu-west-1a": "10.10.0.0/24", "eu-west-1b": "10.10.1.0/24"},
    "private": {"eu-west-1a": "10.10.0.128/25", "eu-west-1b": "10.10.64.0/19"},
    "isolated": {"eu-west-1a": "10.10.200.0/24", "eu-west-1b": "10.10.201.0/24"},
}


def test_repository_environments_load(platform):
    assert sorted(platform.environments) == ["dev", "prod", "staging"]
    assert platform.shared.name == "shared"


@pytest.mark.parametrize(("env", "nat", "azs", "retention"), [
    ("dev", "single", 2, 14),
    ("staging", "single", 3, 365),
    ("prod", "per_az", 3, 365),
])
def test_tier_preset_supplies_what_the_file_leaves_out(platform, env, nat, azs, retention):
    config = platform.environments[env]
    assert (config.network.nat, config.network.az_count, config.logs.retention_days) == (nat, azs, retention)


def test_file_value_overrides_the_preset(platform):
    assert preset("dev", {"network"})["network"]["cidr"] == "10.0.0.0/16"
    assert platform.environments["dev"].network.cidr == "10.10.0.0/16"


def test_override_merges_inside_a_section(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "network.nat", "per_az")
    config = load_platform(directory).environments["dev"]
    assert config.network.nat == "per_az"
    assert config.network.az_count == 2  # still from the dev preset


# (file, edit, expected field, expected fragment of the message)
BAD_INPUTS = [
    ("dev.toml", ("apps.api.image_repository", "444444444444.dkr.ecr.eu-west-1.amazonaws.com/api"),
     "apps.api.image_repository", "is not a repository of the shared registry; one of: "
     "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"),
    ("dev.toml", ("apps.api.bogus", 1), "apps.api.bogus", "unknown key; allowed keys here: autoscaling"),
    ("dev.toml", ("policy.suppressions", [{"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "single AZ in dev",
                                           "expires": "2027-01-01"}]),
     "policy.suppressions.0.expires", "unknown key; allowed keys here: path, reason, rule"),
    ("dev.toml", ("network.bogus", 1), "network.bogus", "unknown key; allowed keys here: availability_zones"),
    ("dev.toml", ("surprise", True), "surprise", "unknown key"),
    ("dev.toml", ("network.az_count", "3"), "network.az_count",
     "must be an integer, not a string: write 3 without quotes"),
    ("dev.toml", ("network.nat", 1), "network.nat", 'must be one of: "none", "single", "per_az"'),
    ("dev.toml", ("network.cidr", "10.0.0.300/16"), "network.cidr", "CIDR notation"),
    ("dev.toml", ("network.cidr", "10.10.0.1/16"), "network.cidr", "host bits set"),
    ("dev.toml", ("network.cidr", "10.10.0.0/22"), "network.cidr", "holds 1024 addresses"),
    ("dev.toml", ("network.az_count", 5), "network.az_slots", "only 4 slot(s)"),
    ("dev.toml", ("network.availability_zones", ["eu-west-1a"]), "network", "lists 1 zone(s) but az_count is 2"),
    ("dev.toml", ("network.availability_zones", ["us-east-1a", "us-east-1b"]), "network.availability_zones",
     "not a zone of region 'eu-west-1'"),
    ("dev.toml", ("network.subnets", EXPLICIT_OVERLAPPING_SUBNETS), "network.subnets.private.eu-west-1a",
     "10.10.0.128/25 overlaps subnets.public.eu-west-1a"),
    ("dev.toml", ("network.private_prefix_length", 12), "network.private_prefix_length", "must be at least 16"),
    ("staging.toml", ("network.cidr", "10.10.0.0/16"), "network.cidr", "overlaps the VPC of staging"),
    ("prod.toml", ("network.az_count", 2), "network.az_count", "at least 3 in tier prod"),
    ("prod.toml", ("network.nat", "single"), "network.nat", 'must be "per_az" in tier prod'),
    ("staging.toml", ("network.nat", "none"), "network.nat", 'one of ["single", "per_az"] in tier staging'),
    ("dev.toml", ("logs.retention_days", 10), "logs.retention_days", "one of the CloudWatch retention periods"),
    ("dev.toml", ("logs.retention_days", 0), "logs.retention_days", "one of the CloudWatch retention periods"),
    ("prod.toml", ("logs.retention_days", 90), "logs.retention_days", "at least 365 in tier prod"),
    ("dev.toml", ("tier", "qa"), "tier", "unknown tier; known tiers: dev, staging, prod"),
    ("dev.toml", ("name", "qa"), "name", 'must match the file name ("dev")'),
    ("dev.toml", ("aws.account_id", "1234"), "aws.account_id", "should match pattern"),
    ("dev.toml", ("aws.region", "Europe"), "aws.region", "is not an AWS region the platform knows"),
    ("dev.toml", ("tags.DataClassification", "secret"), "tags.DataClassification",
     'must be one of: "public", "internal"'),
    ("staging.toml", ("state.key_prefix", "platform/dev"), "state.key_prefix", "already used by dev"),
    ("dev.toml", ("state.region", "us-east-1"), "state.region", "must be the shared (bootstrap) region"),
    ("dev.toml", ("state.kms_key_alias", "alias/other"), "state.kms_key_alias", "differs from"),
    ("staging.toml", ("network.flow_log_traffic", "REJECT"), "network.flow_log_traffic",
     'differs from prod ("ALL"); staging may differ from prod only in sizes and counts'),
    # kafka (MSK)
    ("dev.toml", ("kafka.broker_count", 3), "kafka.broker_count",
     "3 brokers cannot be spread evenly over 2 zones (network.az_count)"),
    ("prod.toml", ("kafka.broker_count", 4), "kafka.broker_count", "use a multiple of 3, e.g. 3 or 6"),
    ("dev.toml", ("network.az_count", 1), "network.az_count", "the Kafka cluster needs 2 or 3 zones"),
    ("dev.toml", ("kafka.replication_factor", 3), "kafka.replication_factor", "broker_count is 2"),
    ("dev.toml", ("kafka.min_insync_replicas", 2), "kafka.min_insync_replicas", "must be below replication_factor"),
    ("dev.toml", ("kafka.max_volume_size_gib", 10), "kafka.max_volume_size_gib", "must exceed volume_size_gib"),
    ("dev.toml", ("kafka.instance_type", "express.m7g.large"), "kafka.instance_type", "standard MSK broker type"),
    ("prod.toml", ("kafka.replication_factor", 2), "kafka.replication_factor", "at least 3 in tier prod"),
    ("prod.toml", ("kafka.prometheus_exporters", False), "kafka.prometheus_exporters", "must be true in tier prod"),
    ("prod.toml", ("kafka.enhanced_monitoring", "DEFAULT"), "kafka.enhanced_monitoring",
     'one of ["PER_TOPIC_PER_BROKER"'),
    ("staging.toml", ("kafka.kafka_version", "3.9.x"), "kafka.kafka_version", 'differs from prod ("3.8.x")'),
    # search (OpenSearch)
    ("dev.toml", ("search.zone_awareness", True), "search.availability_zone_count",
     "needs 3 zone(s) but 2 are available (network.az_count)"),
    ("prod.toml", ("search.instance_count", 4), "search.instance_count", "use a multiple of 3"),
    ("dev.toml", ("search.volume_size_gib", 500), "search.volume_size_gib", "at most 100 GiB"),
    ("dev.toml", ("search.tls_security_policy", "Policy-Min-TLS-1-0-2019-07"), "search.tls_security_policy",
     '"Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-2019-07"'),
    ("dev.toml", ("search.instance_type", "t2.small.search"), "search.instance_type", "current family"),
    ("prod.toml", ("search.dedicated_master_enabled", False), "search.dedicated_master_enabled",
     "must be true in tier prod"),
    ("prod.toml", ("search.audit_logs", False), "search.audit_logs", "must be true in tier prod"),
    ("staging.toml", ("search.zone_awareness", False), "search.zone_awareness", "differs from prod (true)"),
    # policy (guardrails)
    ("prod.toml", ("network.az_count", 1), "network.az_count", "at least 3 in tier prod"),
    ("dev.toml", ("policy.suppressions", [{"rule": "rds.multi-az", "path": "dev/Postgres"}]),
     "policy.suppressions.0.reason", "required"),
    ("dev.toml", ("policy.suppressions", [{"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "cost"}]),
     "policy.suppressions.0.reason", "a reason of at least 10 characters"),
    ("dev.toml",
     ("policy.suppressions", [{"rule": "rds.multiaz", "path": "dev/Postgres", "reason": "single AZ in dev"}]),
     "policy.suppressions.0.rule", "unknown rule id; known rules: "),
    ("dev.toml",
     ("policy.suppressions", [{"rule": "rds.multi-az", "path": "dev Postgres", "reason": "single AZ in dev"}]),
     "policy.suppressions.0.path", "must be a construct path such as 'prod/Database'"),
    ("dev.toml", ("policy.suppressions", [{"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "single AZ in dev",
                                           "expires": "2027-01-01"}]),
     "policy.suppressions.0.expires", "unknown key"),
    ("dev.toml", ("policy.enforce", "yes"), "policy.enforce", "must be true or false, not a string"),
    ("dev.toml", ("policy.pack", "strict"), "policy.pack", 'must be one of: "baseline", "production"'),
    ("prod.toml", ("policy.enforce", False), "policy.enforce", "must be true in tier prod"),
    ("prod.toml", ("policy.pack", "baseline"), "policy.pack", 'must be "production" in tier prod'),
    ("staging.toml", ("policy.enforce", False), "policy.enforce", "must be true in tier staging"),
    ("prod.toml", ("policy.limits.backup_retention_days", 7), "policy.limits.backup_retention_days",
     "at least 14 in tier prod"),
    ("dev.toml", ("policy.limits.backup_retention_days", 40), "policy.limits.backup_retention_days",
     "must be at most 35"),
    # application entries and DNS (issue 9)
    ("dev.toml", ("apps.api.ingress.host", "api.example.org"), "apps.api.ingress.host",
     "is outside the environment's domain dev.acme.example; use a name below it, e.g. api.dev.acme.example"),
    ("dev.toml", ("apps.api.ingress.visibility", "internet-facing"), "apps.api.ingress.visibility",
     "is not allowed in tier dev (ingress.internet_facing_allowed is false); use \"internal\""),
    ("dev.toml", ("apps.api.ingress.health_check_path", "healthz"), "apps.api.ingress.health_check_path",
     "must be an absolute URL path such as '/ready'"),
    ("dev.toml", ("apps.worker", {"image_repository": "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker",
                                  "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"},
                                  "ingress": {"sub_name": "api"}}),
     "apps.worker.ingress.sub_name", "is already the host of application api; each application needs its own host"),
    ("dev.toml", ("apps.api.readiness", {"tcp_socket": 8080}), "apps.api.ingress.health_check_path",
     "must be set: the readiness check is not an http_get"),
    ("dev.toml", ("apps.api.ingress.paths", ["api/*"]), "apps.api.ingress.paths.0", "must be an ALB path pattern"),
    ("dev.toml", ("apps.api.ingress.sub_name", "API"), "apps.api.ingress.sub_name", "should match pattern"),
    ("dev.toml", ("dns.domain", "dev.other.example"), "dns.domain",
     "must lie below the parent domain acme.example ([parent_zone] in shared.toml)"),
    ("dev.toml", ("dns.domain", "Dev.acme.example"), "dns.domain", "label 'Dev' is not a DNS label"),
    ("dev.toml", ("dns.zones", "private"), "dns.zones", "has no public zone"),
    ("staging.toml", ("dns.domain", "prod.acme.example"), "dns.domain", "is already the domain of prod"),
    ("prod.toml", ("ingress.waf.enabled", False), "ingress.waf.enabled", "must be true in tier prod"),
    ("prod.toml", ("ingress.load_balancer", "shared"), "ingress.load_balancer", 'must be "dedicated" in tier prod'),
    ("prod.toml", ("ingress.access_log_retention_days", 90), "ingress.access_log_retention_days",
     "must be at least 365 in tier prod"),
    ("prod.toml", ("ingress.tls_policy", "ELBSecurityPolicy-2016-08"), "ingress.tls_policy",
     '"ELBSecurityPolicy-TLS13-1-2-2021-06"'),
    ("staging.toml", ("ingress.deletion_protection", False), "ingress.deletion_protection",
     "must be true in tier staging"),
    ("staging.toml", ("apps.api.ingress.visibility", "internal"), "apps.api.ingress.visibility",
     'differs from prod ("internet-facing")'),
    ("prod.toml", ("ingress.waf.rate_limit", 5), "ingress.waf.rate_limit", "must be at least 10"),
]


@pytest.mark.parametrize(("file", "edit", "field", "fragment"), BAD_INPUTS, ids=[case[2] for case in BAD_INPUTS])
def test_bad_input_is_refused_naming_file_field_and_value(tmp_path, file, edit, field, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, file, *edit)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    matching = [p for p in raised.value.problems if p.field == field]
    assert matching, f"no problem for {field}: {raised.value}"
    assert any(fragment in p.message for p in matching), str(raised.value)
    assert all(p.file.endswith(".toml") for p in matching)
    assert field in str(raised.value)


def test_missing_mandatory_tag_is_named(tmp_path):
    directory = copy_environments(tmp_path)
    delete_value(directory, "prod.toml", "tags.Owner")
    with pytest.raises(ConfigError, match=r"prod.toml: tags.Owner is absent: required$"):
        load_platform(directory)


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "network.bogus", 1)
    set_value(directory, "prod.toml", "logs.retention_days", 10)
    set_value(directory, "staging.toml", "aws.account_id", "x")
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    assert {(p.file.rsplit("/", 1)[1], p.field) for p in raised.value.problems} == {
        ("dev.toml", "network.bogus"), ("prod.toml", "logs.retention_days"), ("staging.toml", "aws.account_id"),
    }



def test_every_problem_carries_the_stable_id_of_its_rule(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "network.bogus", 1)              # schema
    set_value(directory, "prod.toml", "logs.retention_days", 90)      # tier floor
    set_value(directory, "prod.toml", "kafka.broker_count", 4)        # rule over one file
    set_value(directory, "staging.toml", "rollout.rto", "5m")         # rule inside a props model
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    assert {(p.file.rsplit("/", 1)[1], p.field, p.code) for p in raised.value.problems} == {
        ("dev.toml", "network.bogus", "schema.extra_forbidden"),
        ("prod.toml", "logs.retention_days", "floor.min"),
        ("prod.toml", "kafka.broker_count", "kafka.broker-count"),
        ("staging.toml", "rollout.rto", "rollout.rto-budget"),
    }, str(raised.value)
    # rules across files run once every file is valid on its own
    directory = copy_environments(tmp_path / "across")
    set_value(directory, "staging.toml", "network.cidr", "10.10.0.0/16")
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    assert [(p.file.rsplit("/", 1)[1], p.field, p.code) for p in raised.value.problems] == [
        ("dev.toml", "network.cidr", "network.vpc-overlap")], str(raised.value)

def test_toml_syntax_error_names_the_file(tmp_path):
    directory = copy_environments(tmp_path)
    (directory / "dev.toml").write_text("name = \n")
    with pytest.raises(ConfigError, match=r"dev.toml: <syntax>: not valid TOML"):
        load_platform(directory)


def test_missing_shared_file_is_reported(tmp_path):
    directory = copy_environments(tmp_path)
    (directory / "shared.toml").unlink()
    with pytest.raises(ConfigError, match=re.escape("shared.toml: <file>: file is missing")):
        load_platform(directory)


def test_staging_may_differ_from_prod_in_sizes_and_counts(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "staging.toml", "network.nat", "per_az")
    set_value(directory, "staging.toml", "network.private_prefix_length", 20)
    set_value(directory, "staging.toml", "logs.retention_days", 30)
    assert load_platform(directory).environments["staging"].network.private_prefix_length == 20


def test_configuration_is_immutable(platform):
    with pytest.raises(Exception, match="frozen"):
        platform.environments["dev"].network.az_count = 9  # type: ignore[misc]


@pytest.mark.parametrize(("operator", "limit", "value", "violated"), [
    ("equals", ["staging"], ("staging",), False),
    ("equals", ["staging"], ("dev", "staging"), True),
    ("one_of", [["a"], ["a", "b"]], ("a", "b"), False),
    ("includes", ["audit"], ("api", "audit"), False),
    ("includes", ["audit", "api"], ("audit",), True),
    ("min", 3, 2, True),
    ("max", 35, 35, False),
])
def test_floor_compares_toml_arrays_with_tuple_fields(operator, limit, value, violated):
    assert Floor("prod", "section.field", operator, limit).violated_by(value) is violated
