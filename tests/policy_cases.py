"""Tables of rule cases: (rule, resource type, properties, expected outcome[, fragment of the reason])."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from platform_constructs.policy.engine import ANY_TYPE, Compliance, Resource, Rule
from platform_constructs.policy.limits import PolicyLimits

OK = Compliance.COMPLIANT
BAD = Compliance.NON_COMPLIANT
NA = Compliance.NOT_APPLICABLE


def resource(resource_type: str, props: dict[str, Any], path: str = "test/Thing/Resource") -> Resource:
    """A synthesized resource as the guard hands it to rules."""
    return Resource(type=resource_type, name="Thing_Resource_0A1B2C3D", path=path, props=props)


def case_ids(cases: list[tuple]) -> list[str]:
    """``rule-id:outcome:n`` test ids."""
    seen: dict[str, int] = {}
    ids = []
    for case in cases:
        key = f"{case[0].id}:{case[3].value}"
        seen[key] = seen.get(key, 0) + 1
        ids.append(f"{key}:{seen[key]}")
    return ids


def assert_case(rule: Rule, resource_type: str, props: dict[str, Any], expected: Compliance, fragment: str = "",
                limits: PolicyLimits | None = None) -> None:
    """The rule's verdict on the resource is ``expected``; a non-compliant reason contains ``fragment``."""
    verdict = rule.evaluate(resource(resource_type, props), limits or PolicyLimits())
    assert verdict.compliance is expected, verdict.reason
    if expected is BAD:
        assert fragment in verdict.reason, verdict.reason


def assert_covers(service: ModuleType, cases: list[tuple]) -> None:
    """Every rule of a service package has a compliant, a non-compliant and a not-applicable case
    (a rule for every type has no not-applicable case)."""
    outcomes: dict[str, set[Compliance]] = {}
    for case in cases:
        outcomes.setdefault(case[0].id, set()).add(case[3])
    rules = service.BASELINE_RULES + service.PRODUCTION_RULES
    assert rules, f"{service.__name__} lists no rule"
    for rule in rules:
        wanted = {OK, BAD} if rule.resource_types == ANY_TYPE else {OK, BAD, NA}
        assert outcomes.get(rule.id) == wanted, f"{rule.id} has cases {outcomes.get(rule.id)}, needs {wanted}"
