"""iam.no-wildcard-actions: an identity policy names every action it allows; no ``*``, no ``NotAction``."""

from typing import Any

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules.iam._statements import IDENTITY_POLICY_TYPES, statement_problems, values


def _problems(statement: dict[str, Any], name: str) -> list[str]:
    problems = [f"{name} allows everything but NotAction"] if "NotAction" in statement else []
    wildcards = [action for action in values(statement, "Action") if "*" in action or "?" in action]
    if wildcards:
        problems.append(f"{name} allows the wildcard action(s) {', '.join(wildcards)}")
    return problems


def _check(resource: Resource, _limits: object) -> Verdict:
    return statement_problems(resource, _problems)


RULE = Rule(
    id="iam.no-wildcard-actions", severity=Severity.HIGH, resource_types=IDENTITY_POLICY_TYPES,
    summary="identity policies list each allowed action; a wildcard grants actions nobody reviewed",
    fix="grant through the store's grant_* methods (declare the use in [apps.<name>.uses]), which name exact actions",
    check=_check,
)
