"""Small verdict builders shared by the rules, so each rule states only what it requires."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from platform_constructs.policy.engine import Resource, Verdict, is_reference


def shown(value: Any) -> str:
    """A synthesized value as a message shows it: ``not set`` for an absent one."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def terraform_value(value: Any) -> Any:
    """``value`` as Terraform reads it: ``"true"``/``"false"`` are booleans and digit strings numbers
    (some provider arguments, e.g. ``at_rest_encryption_enabled``, are typed as strings)."""
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def literal(resource: Resource, dotted: str, expected: Any, *, default: Any = None) -> Verdict:
    """Compliant when the property equals ``expected`` (``default`` stands for an absent property,
    i.e. the provider's default)."""
    value = terraform_value(resource.get(dotted, default))
    return Verdict.require(value == expected and type(value) is type(expected),
                           f"{dotted} is {shown(resource.get(dotted))}, must be {shown(expected)}")


def one_of(resource: Resource, dotted: str, allowed: Collection[Any], *, default: Any = None) -> Verdict:
    """Compliant when the property is one of ``allowed``."""
    value = terraform_value(resource.get(dotted, default))
    choices = ", ".join(shown(item) for item in allowed)
    return Verdict.require(value in allowed, f"{dotted} is {shown(resource.get(dotted))}, must be one of {choices}")


def present(resource: Resource, dotted: str, what: str) -> Verdict:
    """Compliant when the property is set to a non-empty value (a literal or a reference)."""
    value = resource.get(dotted)
    return Verdict.require(value not in (None, "", [], {}), f"{dotted} is not set: {what}")


def at_least(resource: Resource, dotted: str, minimum: int, *, default: int | None = None) -> Verdict:
    """Compliant when the numeric property is a literal of at least ``minimum``."""
    value = terraform_value(resource.get(dotted, default))
    if is_reference(value) or not isinstance(value, int | float) or isinstance(value, bool):
        return Verdict.non_compliant(f"{dotted} is {shown(value)}, must be a number of at least {minimum}")
    return Verdict.require(value >= minimum, f"{dotted} is {shown(value)}, must be at least {minimum}")


def all_of(*verdicts: Verdict) -> Verdict:
    """Non-compliant with every reason when any verdict is non-compliant; else compliant."""
    reasons = [verdict.reason for verdict in verdicts if verdict.reason]
    return Verdict.non_compliant("; ".join(reasons)) if reasons else Verdict.compliant()
