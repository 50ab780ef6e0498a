"""PostgresDatabase: synthesized RDS resources per props and per tier."""

from __future__ import annotations

import json

import pytest
from tfjson import address, only, reference, resources_of

from platform_constructs.data.postgres_props import PostgresProps
from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings

LOG_KEY = "arn:aws:kms:eu-west-1:111111111111:key/logs"
LOGS = LogSettings(retention_days=30, kms_key_arn=LOG_KEY)


def build_database(props: PostgresProps, *, shared_key: bool = False, keep: dict | None = None):
    def build(stack):
        from platform_constructs.data.postgres import PostgresDatabase
        from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

        key = (KmsKey(stack, "SharedKey", props=KmsKeyProps(alias="shared", description="shared"))
               if shared_key else None)
        database = PostgresDatabase(stack, "Postgres", props=props, naming=Naming("acme", "test"), vpc_id="vpc-123",
                                    subnet_group_name="acme-test-db", logs=LOGS, kms_key=key)
        if keep is not None:
            keep["database"] = database
    return build


# -- the same in every tier -------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_tier_is_private_encrypted_and_password_free(stack_json, env):
    config = stack_json(env)
    instance = only(config, "aws_db_instance")
    assert instance["engine"] == "postgres"
    assert instance["storage_type"] == "gp3"
    assert instance["storage_encrypted"] is True
    key = reference(config, "aws_kms_key", "arn", "Postgres_Key")
    assert instance["kms_key_id"] == instance["master_user_secret_kms_key_id"] == key
    assert instance["manage_master_user_password"] is True
    assert not {"password", "password_wo"} & set(instance)
    assert instance["iam_database_authentication_enabled"] is True
    assert instance["publicly_accessible"] is False
    assert instance["vpc_security_group_ids"] == [
        reference(config, "aws_security_group", "id", "Postgres_SecurityGroup")]
    assert instance["db_subnet_group_name"] == reference(config, "aws_db_subnet_group", "name", "Network_DbSubnetGroup")
    assert instance["enabled_cloudwatch_logs_exports"] == ["postgresql", "upgrade"]
    [postgres_key] = [k for name, k in resources_of(config, "aws_kms_key").items() if "Postgres_Key" in name]
    assert postgres_key["enable_key_rotation"] is True


@pytest.mark.parametrize(("env", "expected"), [
    ("dev", {"instance_class": "db.t4g.micro", "multi_az": False, "deletion_protection": False,
             "skip_final_snapshot": True, "delete_automated_backups": True, "backup_retention_period": 1,
             "performance_insights_enabled": False, "monitoring_interval": 0, "max_allocated_storage": 0,
             "apply_immediately": True}),
    ("staging", {"instance_class": "db.t4g.medium", "multi_az": True, "deletion_protection": True,
                 "skip_final_snapshot": False, "delete_automated_backups": False, "backup_retention_period": 7,
                 "performance_insights_enabled": True, "monitoring_interval": 60, "max_allocated_storage": 200,
                 "apply_immediately": False}),
    ("prod", {"instance_class": "db.m7g.large", "multi_az": True, "deletion_protection": True,
              "skip_final_snapshot": False, "delete_automated_backups": False, "backup_retention_period": 14,
              "performance_insights_enabled": True, "monitoring_interval": 30, "max_allocated_storage": 1000,
              "apply_immediately": False}),
])
def test_tier_settings_reach_the_instance(stack_json, env, expected):
    instance = only(stack_json(env), "aws_db_instance")
    assert {key: instance[key] for key in expected} == expected
    assert instance["lifecycle"] == {"prevent_destroy": expected["deletion_protection"]}
    assert instance["identifier"] == f"acme-{env}-postgres"


@pytest.mark.parametrize(("env", "roles"), [("dev", 0), ("staging", 1), ("prod", 1)])
def test_monitoring_role_exists_only_where_enhanced_monitoring_is_on(stack_json, env, roles):
    config = stack_json(env)
    assert len([name for name in resources_of(config, "aws_iam_role") if "Postgres_MonitoringRole" in name]) == roles
    assert ("monitoring_role_arn" in only(config, "aws_db_instance")) == bool(roles)


# -- single construct ------------------------------------------------------------------------------------


@pytest.mark.parametrize("protected", [True, False])
def test_deletion_protection_drives_flag_lifecycle_final_snapshot_and_backups(synth_stack, protected):
    instance = only(synth_stack(build_database(PostgresProps(deletion_protection=protected))), "aws_db_instance")
    assert instance["deletion_protection"] is protected
    assert instance["lifecycle"] == {"prevent_destroy": protected}
    assert instance["skip_final_snapshot"] is not protected
    assert instance["delete_automated_backups"] is not protected
    assert instance.get("final_snapshot_identifier") == ("acme-test-postgres-final" if protected else None)


def test_parameter_group_is_named_by_family_replaced_before_destroy_and_forces_tls(synth_stack):
    config = synth_stack(build_database(PostgresProps(parameters={"work_mem": "65536"})))
    group = only(config, "aws_db_parameter_group")
    assert (group["name"], group["family"]) == ("acme-test-postgres16", "postgres16")
    assert group["lifecycle"] == {"create_before_destroy": True}
    assert {p["name"]: p["value"] for p in group["parameter"]} == {"rds.force_ssl": "1", "work_mem": "65536"}
    assert {p["apply_method"] for p in group["parameter"]} == {"pending-reboot"}
    expected = reference(config, "aws_db_parameter_group", "name", "")
    assert only(config, "aws_db_instance")["parameter_group_name"] == expected


def test_a_major_upgrade_replaces_the_parameter_group_under_the_same_logical_id(synth_stack):
    """Same Terraform address, new name: Terraform creates postgres17's group before deleting postgres16's."""
    before = resources_of(synth_stack(build_database(PostgresProps(engine_version="16"))), "aws_db_parameter_group")
    after = resources_of(synth_stack(build_database(PostgresProps(engine_version="17",
                                                                  allow_major_version_upgrade=True))),
                         "aws_db_parameter_group")
    assert set(before) == set(after)
    [(address, old)] = before.items()
    assert (old["name"], after[address]["name"]) == ("acme-test-postgres16", "acme-test-postgres17")
    assert (old["family"], after[address]["family"]) == ("postgres16", "postgres17")


def test_exported_logs_go_to_log_groups_created_first_with_retention_and_key(synth_stack):
    config = synth_stack(build_database(PostgresProps()))
    groups = resources_of(config, "aws_cloudwatch_log_group")
    assert sorted(g["name"] for g in groups.values()) == [
        "/aws/rds/instance/acme-test-postgres/postgresql", "/aws/rds/instance/acme-test-postgres/upgrade"]
    assert all((g["retention_in_days"], g["kms_key_id"]) == (30, LOG_KEY) for g in groups.values())
    depends_on = only(config, "aws_db_instance")["depends_on"]
    assert {f"aws_cloudwatch_log_group.{name}" for name in groups} <= set(depends_on)


def test_no_export_means_no_log_group(synth_stack):
    config = synth_stack(build_database(PostgresProps(log_exports=())))
    assert not resources_of(config, "aws_cloudwatch_log_group")
    assert only(config, "aws_db_instance")["enabled_cloudwatch_logs_exports"] == []


def test_enhanced_monitoring_role_is_trusted_by_rds_and_attached_before_the_instance(synth_stack):
    config = synth_stack(build_database(PostgresProps(monitoring_interval=15)))
    role = only(config, "aws_iam_role")
    trust = json.loads(role["assume_role_policy"])["Statement"]
    assert trust == [{"Action": "sts:AssumeRole", "Effect": "Allow",
                      "Principal": {"Service": "monitoring.rds.amazonaws.com"}}]
    attachment = only(config, "aws_iam_role_policy_attachment")
    assert attachment["policy_arn"].endswith(":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
    instance = only(config, "aws_db_instance")
    assert instance["monitoring_interval"] == 15
    assert instance["monitoring_role_arn"] == reference(config, "aws_iam_role", "arn", "MonitoringRole")
    assert address(config, "aws_iam_role_policy_attachment", "MonitoringPolicy") in instance["depends_on"]


@pytest.mark.parametrize(("insights", "retention"), [(True, 31), (False, 7)])
def test_performance_insights_use_the_database_key_only_when_on(synth_stack, insights, retention):
    config = synth_stack(build_database(PostgresProps(performance_insights=insights,
                                                      performance_insights_retention_days=retention)))
    instance = only(config, "aws_db_instance")
    assert instance["performance_insights_enabled"] is insights
    if insights:
        assert instance["performance_insights_kms_key_id"] == reference(config, "aws_kms_key", "arn", "Postgres_Key")
        assert instance["performance_insights_retention_period"] == retention
    else:
        assert not {"performance_insights_kms_key_id", "performance_insights_retention_period"} & set(instance)


def test_storage_autoscaling_ceiling_or_zero(synth_stack):
    on = only(synth_stack(build_database(PostgresProps(allocated_storage=50, max_allocated_storage=400))),
              "aws_db_instance")
    off = only(synth_stack(build_database(PostgresProps(allocated_storage=50))), "aws_db_instance")
    assert (on["allocated_storage"], on["max_allocated_storage"]) == (50, 400)
    assert off["max_allocated_storage"] == 0


def test_a_given_key_is_used_instead_of_creating_one(synth_stack):
    config = synth_stack(build_database(PostgresProps(), shared_key=True))
    assert [name for name in resources_of(config, "aws_kms_key") if "Postgres" in name] == []
    assert only(config, "aws_db_instance")["kms_key_id"] == reference(config, "aws_kms_key", "arn", "SharedKey")


def test_security_group_has_no_rule_until_wired(synth_stack):
    config = synth_stack(build_database(PostgresProps()))
    group = only(config, "aws_security_group")
    assert (group["name"], group["vpc_id"]) == ("acme-test-postgres", "vpc-123")
    assert not {"ingress", "egress"} & set(group)
    assert not resources_of(config, "aws_vpc_security_group_ingress_rule")


def test_outputs_name_the_instance_and_its_managed_secret(synth_stack):
    keep: dict = {}

    def build(stack):
        from platform_constructs._internal.tf import TerraformOutput

        build_database(PostgresProps(port=6432), keep=keep)(stack)
        for name, value in keep["database"].outputs.items():
            TerraformOutput(stack, name, value=value)

    config = synth_stack(build)
    instance = address(config, "aws_db_instance", "Postgres_Instance")
    assert {name: output["value"] for name, output in config["output"].items()} == {
        "identifier": "acme-test-postgres",
        "endpoint": f"${{{instance}.address}}",
        "port": 6432,
        "security_group_id": reference(config, "aws_security_group", "id", "Postgres_SecurityGroup"),
        "master_user_secret_arn": f"${{{instance}.master_user_secret[0].secret_arn}}",
    }


def test_grant_connect_scopes_one_database_user(synth_stack):
    from grantees import RecordingGrantee

    keep: dict = {}
    synth_stack(build_database(PostgresProps(), keep=keep))
    database, role = keep["database"], RecordingGrantee()
    statement = database.grant_connect(role, "orders_service")
    assert (statement.sid, statement.actions) == ("PostgresConnectOrdersService", ("rds-db:connect",))
    [arn] = statement.resources
    assert arn.endswith(f":dbuser:{database.resource_id}/orders_service")
    assert role.statements == [statement]
    with pytest.raises(ConstructValidationError) as raised:
        database.grant_connect(role, "orders-service; drop")
    assert (raised.value.field, raised.value.path) == ("db_user", "test/Postgres")
    assert role.statements == [statement]
