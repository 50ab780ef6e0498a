"""A small IAM policy evaluator for identity policies, used where no real evaluator runs here.

moto does not evaluate ``simulate_principal_policy`` against resources, so tests that must show what a
role may and may not do evaluate the synthesized documents with the rules AWS documents for a single
identity policy: an explicit ``Deny`` wins, otherwise an ``Allow`` whose actions and resources match,
otherwise the implicit deny. Actions match case-insensitively, resources case-sensitively; ``*`` and
``?`` are the only wildcards. ``Condition``, ``NotAction`` and ``NotResource`` are refused rather than
ignored, so a policy using them cannot pass by accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

INTERPOLATION = re.compile(r"\$\{([^}]+)\}")


def resolve(document: str, values: Mapping[str, str]) -> str:
    """``document`` with every ``${reference}`` replaced from ``values`` (an unknown reference fails)."""

    def value(match: re.Match[str]) -> str:
        reference = match.group(1)
        if reference not in values:
            raise KeyError(f"no value for the reference ${{{reference}}}")
        return values[reference]

    return INTERPOLATION.sub(value, document)


def _matches(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def is_allowed(statements: Iterable[Mapping[str, Any]], action: str, resource: str) -> bool:
    """Whether the identity policy ``statements`` allow ``action`` on ``resource``."""
    allowed = False
    for statement in statements:
        unsupported = {"Condition", "NotAction", "NotResource", "NotPrincipal"} & set(statement)
        if unsupported:
            raise ValueError(f"statement {statement.get('Sid')!r} uses {sorted(unsupported)}: not evaluated here")
        applies = (any(_matches(pattern, action, case_sensitive=False) for pattern in _as_list(statement["Action"]))
                   and any(_matches(pattern, resource, case_sensitive=True)
                           for pattern in _as_list(statement["Resource"])))
        if applies and statement["Effect"] == "Deny":
            return False
        allowed = allowed or applies
    return allowed
