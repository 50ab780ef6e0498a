"""general.no-secret-literals: no password, token or key is written into the configuration."""

from platform_constructs.policy.engine import ANY_TYPE, Resource, Rule, Severity, Verdict
from platform_constructs.policy.secrets import secret_literals


def _check(resource: Resource, _limits: object) -> Verdict:
    found = list(secret_literals(dict(resource.props)))
    return Verdict.require(not found, f"secret literal(s) at {', '.join(found)}")


RULE = Rule(
    id="general.no-secret-literals", severity=Severity.HIGH, resource_types=ANY_TYPE,
    summary="secret-bearing properties hold references (managed secrets, generated values), never literals",
    fix="let the service manage the secret (RDS-managed password, Secrets Manager generation, IAM auth)",
    check=_check,
)
