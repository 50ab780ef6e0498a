"""The policy engine: rules over one synthesized resource, violations, suppressions.

A rule is a pure function of one resource as it appears in ``cdk.tf.json`` (its Terraform type
and its properties, references already rendered as ``${...}``) that returns a :class:`Verdict`:
compliant, non-compliant (with the reason) or not applicable. Rules carry an id, a severity,
a summary and the fix. Nothing here imports cdktf, so rules are tested against plain dicts and
the configuration can check suppression rule ids in under a second.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from platform_constructs.policy.limits import PolicyLimits


class Severity(enum.Enum):
    """How much a violation matters; shown in every message."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Compliance(enum.Enum):
    """Outcome of one rule on one resource."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Verdict:
    """A rule's answer; ``reason`` says what is wrong when non-compliant."""

    compliance: Compliance
    reason: str = ""

    @classmethod
    def compliant(cls) -> Verdict:
        """The resource satisfies the rule."""
        return cls(Compliance.COMPLIANT)

    @classmethod
    def not_applicable(cls) -> Verdict:
        """The rule does not concern this resource (another type, or a variant the rule skips)."""
        return cls(Compliance.NOT_APPLICABLE)

    @classmethod
    def non_compliant(cls, reason: str) -> Verdict:
        """The resource breaks the rule; ``reason`` names the property and the value found."""
        return cls(Compliance.NON_COMPLIANT, reason)

    @classmethod
    def require(cls, condition: bool, reason: str) -> Verdict:
        """Compliant when ``condition`` holds, else non-compliant with ``reason``."""
        return cls.compliant() if condition else cls.non_compliant(reason)


def is_reference(value: Any) -> bool:
    """Whether a synthesized value is a Terraform expression (``${...}``), known only at deploy time."""
    return isinstance(value, str) and "${" in value


@dataclass(frozen=True)
class Resource:
    """One synthesized Terraform resource: its type, logical name, construct path and properties."""

    type: str
    name: str
    path: str
    props: Mapping[str, Any]

    @property
    def address(self) -> str:
        """Terraform address, e.g. ``aws_db_instance.Database_Instance_1A2B3C4D``."""
        return f"{self.type}.{self.name}"

    def get(self, dotted: str, default: Any = None) -> Any:
        """Property at a dotted path; single nested blocks may be an object or a one-item list."""
        value: Any = self.props
        for part in dotted.split("."):
            value = _single(value)
            if not isinstance(value, Mapping) or part not in value:
                return default
            value = value[part]
        return value

    def blocks(self, dotted: str) -> list[Mapping[str, Any]]:
        """Every block at a dotted path (a repeated nested block), ``[]`` when absent."""
        value = self.get(dotted)
        if value is None:
            return []
        return [block for block in (value if isinstance(value, list) else [value]) if isinstance(block, Mapping)]


def _single(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


class Acceptance(Protocol):
    """An accepted violation (:class:`~platform_constructs.policy.policy_props.Suppression`, which builds on this
    module): which rule on which resources, and why."""

    @property
    def reason(self) -> str: ...

    def accepts(self, rule_id: str, resource: Resource) -> bool:
        """Whether the violation of ``rule_id`` by ``resource`` is accepted."""
        ...


Check = Callable[[Resource, PolicyLimits], Verdict]

#: ``resource_types`` of a rule that concerns every resource.
ANY_TYPE = ("*",)


@dataclass(frozen=True)
class Rule:
    """A named, documented check of one kind of resource.

    ``summary`` states what a compliant resource looks like; ``fix`` tells the reader what to
    change (which prop or preset). ``check`` only sees resources of ``resource_types``.
    """

    id: str
    severity: Severity
    resource_types: tuple[str, ...]
    summary: str
    fix: str
    check: Check = field(repr=False)

    def evaluate(self, resource: Resource, limits: PolicyLimits) -> Verdict:
        """The verdict on ``resource``; resources of other types are not applicable."""
        if self.resource_types != ANY_TYPE and resource.type not in self.resource_types:
            return Verdict.not_applicable()
        return self.check(resource, limits)


@dataclass(frozen=True)
class Violation:
    """A rule a resource breaks (or could not be checked against), and any suppression of it.

    Not a :class:`~platform_constructs.errors.Problem`: it concerns a synthesized resource rather than an
    input field, has a severity, and may be accepted by a reasoned suppression.
    """

    rule: Rule
    resource: Resource
    reason: str
    suppression: Acceptance | None = None

    @property
    def suppressed(self) -> bool:
        """Whether a reasoned suppression accepts this violation."""
        return self.suppression is not None

    def message(self) -> str:
        """``[rule] (severity) address: reason. Fix: ...``; cdktf prefixes annotations with the construct path."""
        return (f"[{self.rule.id}] ({self.rule.severity.value}) {self.resource.address}: {self.reason}. "
                f"Fix: {self.rule.fix}")


def evaluate(resource: Resource, rules: Iterable[Rule], limits: PolicyLimits,
             suppressions: Iterable[Acceptance] = ()) -> list[Violation]:
    """Violations of ``rules`` by ``resource``, each paired with the first suppression that accepts it.

    A rule that raises becomes a violation ("could not be evaluated") instead of aborting synthesis,
    so one broken rule never hides the others.
    """
    suppressions = tuple(suppressions)
    violations = []
    for rule in rules:
        try:
            verdict = rule.evaluate(resource, limits)
        except Exception as error:  # noqa: BLE001 - a faulty rule is reported, never fatal
            verdict = Verdict.non_compliant(f"rule could not be evaluated ({type(error).__name__}: {error})")
        if verdict.compliance is Compliance.NON_COMPLIANT:
            accepted = next((s for s in suppressions if s.accepts(rule.id, resource)), None)
            violations.append(Violation(rule, resource, verdict.reason, accepted))
    return violations
