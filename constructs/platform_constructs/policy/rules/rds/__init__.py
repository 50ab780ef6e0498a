"""Rules for RDS databases (PostgreSQL instances and Aurora clusters)."""

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

BASELINE_RULES = (storage_encrypted.RULE, not_public.RULE, managed_master_password.RULE, force_ssl.RULE)
PRODUCTION_RULES = (
    customer_managed_key.RULE, multi_az.RULE, deletion_protection.RULE, backup_retention.RULE, final_snapshot.RULE,
    iam_authentication.RULE, log_exports.RULE, enhanced_monitoring.RULE, performance_insights.RULE,
    storage_autoscaling.RULE, minor_upgrades.RULE,
)
