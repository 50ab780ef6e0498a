"""logs.kms-encryption: log data is encrypted with a customer-managed key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="logs.kms-encryption", severity=Severity.MEDIUM, resource_types=("aws_cloudwatch_log_group",),
    summary="the log group is encrypted with a KMS key",
    fix="create log groups with LogSettings.log_group(...), which sets kms_key_id to the environment's logs key",
    check=lambda resource, _limits: present(resource, "kms_key_id", "log data is only encrypted with a service key"),
)
