"""eks.secrets-encryption: Kubernetes secrets are envelope-encrypted with a customer-managed key."""

from typing import Any

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    for config in resource.blocks("encryption_config"):
        resources = config.get("resources") or []
        provider: Any = config.get("provider") or {}  # a block: one mapping, or a list of one
        provider = provider[0] if isinstance(provider, list) and provider else provider
        if "secrets" in resources and provider.get("key_arn"):
            return Verdict.compliant()
    return Verdict.non_compliant('no encryption_config with resources = ["secrets"] and a provider key_arn')


RULE = Rule(
    id="eks.secrets-encryption", severity=Severity.HIGH, resource_types=("aws_eks_cluster",),
    summary="secrets are envelope-encrypted with a KMS key",
    fix='add encryption_config { resources = ["secrets"], provider { key_arn = <rotating KmsKey> } }',
    check=_check,
)
