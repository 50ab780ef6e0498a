"""Errors raised by the library.

Every message names the field (as a dotted path), the value received and what is allowed,
so a reader can fix the input without reading the code.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


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
    """One problem in one input file.

    ``value`` is what the file holds at ``field``, ``None`` when the field is absent; a ``field`` in
    angle brackets (``<file>``, ``<syntax>``) names the file itself and has no value.
    """

    file: str
    field: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {located(self.field, self.value)}: {self.message}"


def located(field: str, value: object) -> str:
    """``field = value`` in the file's own notation (TOML), ``field is absent``, or the bare ``<file>``."""
    if field.startswith("<"):
        return field
    if value is None:
        return f"{field} is absent"
    return f"{field} = {toml_value(value)}"


#: An integer as TOML writes it.
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
#: Keys TOML accepts without quotes.
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
#: Characters a TOML basic string must escape, with their short escapes where TOML has one.
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def toml_value(value: Any) -> str:
    """``value`` as a TOML inline value, as the user writes it in an environment file: ``false``, ``"per_az"``,
    ``["a", "b"]``, ``{ min_replicas = 2 }``. Frozen models are shown by the keys the file writes (aliases,
    no derived values); values TOML cannot hold (an unset optional) are left out of tables. Never raises:
    any other object is shown by its text, as the file writes it (``Duration`` ``"15m"``, ``Percent``
    ``"25%"``, and a ``Count`` as the integer it is)."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return toml_value(value.value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _toml_float(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return toml_value(value.model_dump(by_alias=True, exclude_none=True, exclude_computed_fields=True))
    if isinstance(value, Mapping):
        items = [f"{_toml_key(str(key))} = {toml_value(item)}" for key, item in value.items() if item is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, Set):
        return "[" + ", ".join(sorted(toml_value(item) for item in value)) + "]"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    text = str(value)
    return text if _INTEGER.match(text) else _toml_string(text)


def _toml_float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def _toml_string(text: str) -> str:
    escaped = "".join(
        _SHORT_ESCAPES.get(char) or (f"\\u{ord(char):04X}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in text)
    return f'"{escaped}"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


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
