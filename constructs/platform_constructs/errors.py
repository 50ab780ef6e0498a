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


#: Problems a :class:`ConfigError`'s message lists (it counts the rest), and characters of each listed line.
#: However broken the files, the message stays under 32,000 characters: a caller that reads it through a pipe only
#: once the process has ended (a pipe holds 64 KB) never waits on a writer blocked by the full pipe.
LISTED_PROBLEMS, LISTED_LINE_CHARS = 30, 1000


class ConfigError(Exception):
    """One or more environment files are invalid; ``problems`` lists every one of them.

    The message lists the first :data:`LISTED_PROBLEMS` and counts the others.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [_clipped(f"  - {problem}") for problem in problems[:LISTED_PROBLEMS]]
        if len(problems) > LISTED_PROBLEMS:
            lines.append(f"  ... and {len(problems) - LISTED_PROBLEMS} more problem(s), not listed")
        listing = "\n".join(lines)
        super().__init__(f"invalid environment configuration ({len(problems)} problem(s)):\n{listing}")


def _clipped(line: str) -> str:
    return line if len(line) <= LISTED_LINE_CHARS else f"{line[:LISTED_LINE_CHARS - 4]} ..."
