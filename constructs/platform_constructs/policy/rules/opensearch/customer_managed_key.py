"""opensearch.customer-managed-key: the domain is encrypted with a customer-managed key."""

from platform_constructs.policy.engine import Rule, Severity
from platform_constructs.policy.rules._predicates import present

RULE = Rule(
    id="opensearch.customer-managed-key", severity=Severity.MEDIUM, resource_types=("aws_opensearch_domain",),
    summary="encrypt_at_rest.kms_key_id names a customer-managed key",
    fix="pass a KmsKey (or let the construct create one) so encrypt_at_rest.kms_key_id is set",
    check=lambda resource, _limits: present(resource, "encrypt_at_rest.kms_key_id",
                                            "data at rest uses the AWS-managed aws/es key"),
)
