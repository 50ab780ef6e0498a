"""Errors raised by the library.

Every message names the field (as a dotted path), the value received and what is allowed,
so a reader can fix the input without reading the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ConstructValidationError(ValueError):
    """Props given to a construct break one of its rules.

    Attributes:
        code: stable identifier of the rule, e.g. ``network.vpc-too-small``.
        field: dotted path of the offending prop, e.g. ``private_prefix_length``.
        path: construct path, when known.
    """

    def __init__(self, code: str, field: str, message: str, path: str | None = None) -> None:
        self.code = code
        self.field = field
        self.message = message
        self.path = path
        where = f"[{path}] " if path else ""
        super().__init__(f"{where}{field}: {message} ({code})")

    def at(self, path: str) -> ConstructValidationError:
        """The same error, located at construct ``path``."""
        return ConstructValidationError(self.code, self.field, self.message, path)


def refuse_first(problems: Sequence[ConstructValidationError], path: str) -> None:
    """Raise the first of ``problems`` located at construct ``path``; return when there are none."""
    if problems:
        raise problems[0].at(path)


@dataclass(frozen=True)
class Problem:
    """One problem in one input file."""

    file: str
    field: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field} = {self.value!r}: {self.message}"


class ConfigError(Exception):
    """One or more environment files are invalid; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid environment configuration ({len(problems)} problem(s)):\n{lines}")
