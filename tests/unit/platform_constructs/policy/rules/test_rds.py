"""Rules for RDS PostgreSQL instances, Aurora clusters and their parameter groups."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.limits import PolicyLimits
from platform_constructs.policy.rules import rds
from platform_constructs.policy.rules.rds import (
    backup_retention,
    customer_managed_key,
    deletion_protection,
    enhanced_monitoring,
    final_snapshot,
    force_ssl,
    iam_authentication,
    log_exports,
    managed_master_password,
    minor_upgrades,
    multi_az,
    not_public,
    performance_insights,
    storage_autoscaling,
    storage_encrypted,
)

DB, CLUSTER = "aws_db_instance", "aws_rds_cluster"
CASES = [
    (storage_encrypted.RULE, DB, {"storage_encrypted": True}, OK),
    (storage_encrypted.RULE, CLUSTER, {"storage_encrypted": False}, BAD, "storage_encrypted is false"),
    (storage_encrypted.RULE, "aws_db_snapshot", {}, NA),
    (customer_managed_key.RULE, DB, {"kms_key_id": "${aws_kms_key.Key.arn}"}, OK),
    (customer_managed_key.RULE, DB, {}, BAD, "aws/rds"),
    (customer_managed_key.RULE, "aws_db_parameter_group", {}, NA),
    (not_public.RULE, DB, {}, OK),
    (not_public.RULE, DB, {"publicly_accessible": True}, BAD, "publicly_accessible is true"),
    (not_public.RULE, CLUSTER, {"publicly_accessible": True}, NA),
    (multi_az.RULE, DB, {"multi_az": True}, OK),
    (multi_az.RULE, DB, {"multi_az": False}, BAD, "multi_az is false, must be true"),
    (multi_az.RULE, CLUSTER, {}, NA),
    (deletion_protection.RULE, CLUSTER, {"deletion_protection": True}, OK),
    (deletion_protection.RULE, DB, {}, BAD, "deletion_protection is not set"),
    (deletion_protection.RULE, "aws_rds_cluster_instance", {}, NA),
    (backup_retention.RULE, DB, {"backup_retention_period": 14}, OK),
    (backup_retention.RULE, DB, {"backup_retention_period": 7}, BAD,
     "backup_retention_period is 7, must be at least 14"),
    (backup_retention.RULE, DB, {"replicate_source_db": "${aws_db_instance.Primary.identifier}"}, NA),
    (backup_retention.RULE, "aws_elasticache_replication_group", {}, NA),
    (final_snapshot.RULE, DB, {"skip_final_snapshot": False, "final_snapshot_identifier": "acme-prod-pg-final",
                               "delete_automated_backups": False}, OK),
    (final_snapshot.RULE, CLUSTER, {"skip_final_snapshot": False}, OK),
    (final_snapshot.RULE, DB, {"skip_final_snapshot": True, "delete_automated_backups": False}, BAD,
     "skip_final_snapshot is true"),
    (final_snapshot.RULE, DB, {"skip_final_snapshot": False}, BAD, "delete_automated_backups is not set"),
    (final_snapshot.RULE, "aws_db_snapshot", {}, NA),
    (managed_master_password.RULE, DB, {"manage_master_user_password": True}, OK),
    (managed_master_password.RULE, DB, {"password": "${var.password}"}, BAD, "a master password is set"),
    (managed_master_password.RULE, CLUSTER, {"master_password": "x"}, BAD, "a master password is set"),
    (managed_master_password.RULE, DB, {}, BAD, "manage_master_user_password is not true"),
    (managed_master_password.RULE, DB, {"replicate_source_db": "primary"}, NA),
    (managed_master_password.RULE, "aws_db_parameter_group", {}, NA),
    (iam_authentication.RULE, DB, {"iam_database_authentication_enabled": True}, OK),
    (iam_authentication.RULE, DB, {}, BAD, "iam_database_authentication_enabled is not set"),
    (iam_authentication.RULE, "aws_iam_role", {}, NA),
    (log_exports.RULE, DB, {"engine": "postgres", "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"]}, OK),
    (log_exports.RULE, CLUSTER, {"engine": "aurora-postgresql", "enabled_cloudwatch_logs_exports": ["postgresql"]},
     OK),
    (log_exports.RULE, DB, {"engine": "postgres", "enabled_cloudwatch_logs_exports": ["postgresql"]}, BAD,
     "lacks upgrade"),
    (log_exports.RULE, DB, {"engine": "mysql"}, BAD, "enabled_cloudwatch_logs_exports is empty"),
    (log_exports.RULE, "aws_cloudwatch_log_group", {}, NA),
    (enhanced_monitoring.RULE, DB, {"monitoring_interval": 60, "monitoring_role_arn": "${aws_iam_role.M.arn}"}, OK),
    (enhanced_monitoring.RULE, DB, {}, BAD, "monitoring_interval is not set"),
    (enhanced_monitoring.RULE, DB, {"monitoring_interval": 0}, BAD, "must be one of 1, 5, 10, 15, 30, 60"),
    (enhanced_monitoring.RULE, CLUSTER, {}, NA),
    (performance_insights.RULE, DB, {"performance_insights_enabled": True}, OK),
    (performance_insights.RULE, DB, {"performance_insights_enabled": False}, BAD, "performance_insights_enabled"),
    (performance_insights.RULE, CLUSTER, {}, NA),
    (storage_autoscaling.RULE, DB, {"allocated_storage": 50, "max_allocated_storage": 200}, OK),
    (storage_autoscaling.RULE, DB, {"allocated_storage": 50}, BAD, "max_allocated_storage is None"),
    (storage_autoscaling.RULE, DB, {"allocated_storage": 50, "max_allocated_storage": 50}, BAD,
     "(50) must exceed allocated_storage (50)"),
    (storage_autoscaling.RULE, DB, {"replicate_source_db": "primary"}, NA),
    (storage_autoscaling.RULE, CLUSTER, {}, NA),
    (force_ssl.RULE, "aws_db_parameter_group", {"family": "postgres16", "parameter": [
        {"name": "rds.force_ssl", "value": "1", "apply_method": "pending-reboot"}]}, OK),
    (force_ssl.RULE, "aws_db_parameter_group", {"family": "postgres16", "parameter": [
        {"name": "rds.force_ssl", "value": "0"}]}, BAD, "rds.force_ssl is 0, must be 1"),
    (force_ssl.RULE, "aws_rds_cluster_parameter_group", {"family": "aurora-postgresql16"}, BAD, "is not set"),
    (force_ssl.RULE, "aws_db_parameter_group", {"family": "mysql8.0"}, NA),
    (force_ssl.RULE, DB, {}, NA),
    (minor_upgrades.RULE, DB, {}, OK),
    (minor_upgrades.RULE, CLUSTER, {"auto_minor_version_upgrade": True, "apply_immediately": False}, OK),
    (minor_upgrades.RULE, DB, {"auto_minor_version_upgrade": False}, BAD, "auto_minor_version_upgrade is false"),
    (minor_upgrades.RULE, DB, {"apply_immediately": True}, BAD, "apply_immediately is true, must be false"),
    (minor_upgrades.RULE, "aws_db_parameter_group", {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_backup_retention_follows_the_policy_limit():
    assert_case(backup_retention.RULE, DB, {"backup_retention_period": 7}, OK,
                limits=PolicyLimits(backup_retention_days=7))


def test_every_rule_has_its_outcomes():
    assert_covers(rds, CASES)
