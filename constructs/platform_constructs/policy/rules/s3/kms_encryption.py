"""s3.kms-encryption: objects are encrypted by default with a KMS key."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    algorithms = [rule.get("apply_server_side_encryption_by_default", {}) for rule in resource.blocks("rule")]
    algorithms = [default[0] if isinstance(default, list) else default for default in algorithms]
    found = [default.get("sse_algorithm") for default in algorithms if default]
    return Verdict.require(bool(found) and all(algorithm in ("aws:kms", "aws:kms:dsse") for algorithm in found),
                           f"sse_algorithm is {', '.join(map(str, found)) or 'not set'}, must be aws:kms")


RULE = Rule(
    id="s3.kms-encryption", severity=Severity.MEDIUM,
    resource_types=("aws_s3_bucket_server_side_encryption_configuration",),
    summary='default encryption uses sse_algorithm "aws:kms" with a customer-managed key',
    fix='set apply_server_side_encryption_by_default { sse_algorithm = "aws:kms", kms_master_key_id = <key> }',
    check=_check,
)
