"""iam.no-wildcard-actions: an identity policy names every action it allows; no ``*``, no ``NotAction``."""

from platform_constructs.policy.engine import Resource, Rule, Severity, Verdict
from platform_constructs.policy.rules.iam._statements import IDENTITY_POLICY_TYPES, allow_statements, label, values


def _check(resource: Resource, _limits: object) -> Verdict:
    statements = allow_statements(resource)
    if isinstance(statements, str):
        return Verdict.non_compliant(statements)
    problems = []
    for index, statement in enumerate(statements):
        if "NotAction" in statement:
            problems.append(f"{label(statement, index)} allows everything but NotAction")
        wildcards = [action for action in values(statement, "Action") if "*" in action or "?" in action]
        if wildcards:
            problems.append(f"{label(statement, index)} allows the wildcard action(s) {', '.join(wildcards)}")
    return Verdict.require(not problems, "; ".join(problems))


RULE = Rule(
    id="iam.no-wildcard-actions", severity=Severity.HIGH, resource_types=IDENTITY_POLICY_TYPES,
    summary="identity policies list each allowed action; a wildcard grants actions nobody reviewed",
    fix="grant through the store's grant_* methods (declare the use in [apps.<name>.uses]), which name exact actions",
    check=_check,
)
