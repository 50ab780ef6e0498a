"""PostgresProps: every bad value is refused naming its field; tier presets and floors of [postgres]."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value
from refusals import refusal

from platform_constructs.config import load_platform
from platform_constructs.data.postgres_props import PostgresProps
from platform_constructs.errors import ConfigError

# (props, field named in the error, fragment of the message)
BAD_PROPS = [
    ({"engine_version": "sixteen"}, "engine_version", "major version such as '16'"),
    ({"engine_version": "16.4.1"}, "engine_version", "major version such as '16'"),
    ({"engine_version": "12"}, "engine_version", "below 13, the oldest in RDS standard support"),
    ({"engine_version": "16.4"}, "engine_version", "pins a minor version while auto_minor_version_upgrade is on"),
    ({"engine_version": 16}, "engine_version", "valid string"),
    ({"instance_class": "m7g.large"}, "instance_class", "should match pattern"),
    ({"allocated_storage": 10}, "allocated_storage", "greater than or equal to 20"),
    ({"allocated_storage": 100, "max_allocated_storage": 100}, "max_allocated_storage", ">= 110 GiB"),
    ({"allocated_storage": 100, "max_allocated_storage": 50}, "max_allocated_storage",
     "must exceed allocated_storage (100 GiB) by at least 10 %"),
    ({"max_allocated_storage": 70000}, "max_allocated_storage", "less than or equal to 65536"),
    ({"backup_retention_days": 36}, "backup_retention_days", "less than or equal to 35"),
    ({"backup_retention_days": -1}, "backup_retention_days", "greater than or equal to 0"),
    ({"backup_retention_days": "7"}, "backup_retention_days", "valid integer"),
    ({"monitoring_interval": 7}, "monitoring_interval", "one of 0, 1, 5, 10, 15, 30, 60"),
    ({"performance_insights_retention_days": 30}, "performance_insights_retention_days", "one of 7, 31, 62"),
    ({"instance_class": "db.t4g.micro"}, "performance_insights", "not available on db.t4g.micro"),
    ({"backup_window": "03:00-04:00", "maintenance_window": "sun:03:30-sun:04:30"}, "maintenance_window",
     "overlaps backup_window '03:00-04:00' by 30 minutes a week"),
    ({"backup_window": "03:00-03:15"}, "backup_window", "lasts 15 minutes; allowed are 30"),
    ({"maintenance_window": "sunday 04:00"}, "maintenance_window", "must look like 'sun:04:00-sun:05:00'"),
    ({"port": 80}, "port", "greater than or equal to 1150"),
    ({"multi_az": "yes"}, "multi_az", "valid boolean"),
    ({"master_username": "1admin"}, "master_username", "should match pattern"),
    ({"database_name": "app-db"}, "database_name", "should match pattern"),
    ({"log_exports": ("postgresql", "slowquery")}, "log_exports.1", "'postgresql' or 'upgrade'"),
    ({"log_exports": ("upgrade", "upgrade")}, "log_exports", "lists a log more than once"),
    ({"parameters": {"rds.force_ssl": "0"}}, "parameters", "rds.force_ssl = '0' is not allowed"),
    ({"password": "hunter2"}, "password", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("props", "field", "fragment"), BAD_PROPS,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(BAD_PROPS)])
def test_bad_props_are_refused_naming_the_field(props, field, fragment):
    fields, message = refusal(PostgresProps, props)
    assert fields == [field]
    assert fragment in message


@pytest.mark.parametrize(("props", "family"), [
    ({}, "postgres16"),
    ({"engine_version": "17"}, "postgres17"),
    ({"engine_version": "15.8", "auto_minor_version_upgrade": False}, "postgres15"),
])
def test_parameter_group_family_follows_the_major_version(props, family):
    assert PostgresProps(**props).parameter_group_family == family


def test_edge_values_are_accepted():
    props = PostgresProps(allocated_storage=100, max_allocated_storage=110, monitoring_interval=0,
                          performance_insights_retention_days=731, backup_retention_days=35,
                          backup_window="23:30-00:15", maintenance_window="mon:00:15-mon:01:00")
    assert props.max_allocated_storage == 110


@pytest.mark.parametrize(("env", "expected"), [
    ("dev", {"multi_az": False, "deletion_protection": False, "backup_retention_days": 1,
             "performance_insights": False, "monitoring_interval": 0, "max_allocated_storage": None}),
    ("staging", {"multi_az": True, "deletion_protection": True, "backup_retention_days": 7,
                 "performance_insights": True, "monitoring_interval": 60, "max_allocated_storage": 200}),
    ("prod", {"multi_az": True, "deletion_protection": True, "backup_retention_days": 14,
              "performance_insights": True, "monitoring_interval": 30, "max_allocated_storage": 1000}),
])
def test_tier_presets(platform, env, expected):
    postgres = platform.environments[env].postgres
    assert {field: getattr(postgres, field) for field in expected} == expected
    assert postgres.parameters["log_statement"] == "ddl"


# (file, (dotted key, value), field named in the problem, fragment of the message)
BAD_ENVIRONMENTS = [
    ("prod.toml", ("postgres.multi_az", False), "postgres.multi_az", "must be true in tier prod"),
    ("prod.toml", ("postgres.deletion_protection", False), "postgres.deletion_protection",
     "must be true in tier prod"),
    ("prod.toml", ("postgres.backup_retention_days", 7), "postgres.backup_retention_days",
     "at least 14 in tier prod"),
    ("prod.toml", ("postgres.performance_insights", False), "postgres.performance_insights",
     "must be true in tier prod"),
    ("prod.toml", ("postgres.monitoring_interval", 0), "postgres.monitoring_interval", "one of [1, 5, 10, 15, 30, 60]"),
    ("staging.toml", ("postgres.backup_retention_days", 3), "postgres.backup_retention_days",
     "at least 7 in tier staging"),
    ("staging.toml", ("postgres.engine_version", "17"), "postgres.engine_version", 'differs from prod ("16")'),
    ("dev.toml", ("postgres.monitoring_interval", 45), "postgres.monitoring_interval", "one of 0, 1, 5"),
    ("dev.toml", ("postgres.max_allocated_storage", 21), "postgres.max_allocated_storage", ">= 22 GiB"),
    ("dev.toml", ("postgres.bogus", 1), "postgres.bogus", "unknown key; allowed keys here: allocated_storage"),
    ("dev.toml", ("network.az_count", 1), "network.az_count", "the RDS subnet group of postgres spans two zones"),
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


def test_dev_may_pin_a_minor_version_with_auto_upgrades_off(tmp_path):
    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "postgres.auto_minor_version_upgrade", False)
    set_value(directory, "dev.toml", "postgres.engine_version", "16.4")
    assert load_platform(directory).environments["dev"].postgres.engine_version == "16.4"
