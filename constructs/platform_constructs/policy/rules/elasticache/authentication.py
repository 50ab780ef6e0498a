"""elasticache.authentication: clients authenticate, through RBAC users or a managed token."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict


def _check(resource: Resource, _limits: object) -> Verdict:
    return Verdict.require(bool(resource.get("user_group_ids")) or bool(resource.get("auth_token")),
                           "neither user_group_ids (RBAC) nor auth_token is set: any client in reach may connect")


RULE = Rule(
    id="elasticache.authentication", severity=Severity.HIGH, resource_types=("aws_elasticache_replication_group",),
    summary="an RBAC user group (or an auth token from Secrets Manager) guards the cache",
    fix="attach an RBAC user group with the default user disabled (user_group_ids)",
    check=_check,
)
