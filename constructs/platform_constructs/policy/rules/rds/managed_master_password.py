"""rds.managed-master-password: the master password is generated and kept by RDS in Secrets Manager."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    if resource.get("replicate_source_db") or resource.get("snapshot_identifier"):
        return Verdict.not_applicable()  # credentials come from the source
    if resource.get("password") is not None or resource.get("master_password") is not None:
        return Verdict.non_compliant("a master password is set in the configuration")
    return Verdict.require(resource.get("manage_master_user_password") is True,
                           "manage_master_user_password is not true")


RULE = Rule(
    id="rds.managed-master-password", severity=Severity.HIGH, resource_types=("aws_db_instance", "aws_rds_cluster"),
    summary="manage_master_user_password is true and no password appears in the configuration",
    fix="set manage_master_user_password = true (with master_user_secret_kms_key_id) and remove password",
    check=_check,
)
