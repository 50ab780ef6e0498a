"""Validation has one shape: a rule returns :class:`Problem` s, and every problem is reported at once.

A :class:`Problem` names the rule (a stable ``code``), the field (a dotted path), the value found and
what is allowed, so a reader can fix the input without reading the code. Who finds problems:

- props models: ``problems(...)`` methods for rules that need outside context (the zones a cluster
  spans), and model validators (:func:`platform_constructs.props.refuse_in_validator`) for rules of the
  model alone, so a model that breaks them cannot be built;
- constructs: they collect the problems of their props and arguments and raise one
  :class:`ConstructValidationError` listing all of them (:func:`refuse`) before creating anything;
- configuration rules (``config/rules.py``): functions of an environment returning problems, which the
  loader locates in their file and raises together as one :class:`ConfigError`.

Guardrail violations (``policy/engine.py``: a synthesized resource breaking a rule pack's rule, with a
severity and possibly a suppression) and destructive plan changes (the plan guard) are other things
and have their own types.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

#: A rule id: dotted lower-case words, e.g. ``kafka.broker-count`` or ``schema.extra_forbidden``.
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$")


@dataclass(frozen=True)
class Problem:
    """One broken rule of one input.

    ``value`` is what the input holds at ``field``, ``None`` when the field is absent; a ``field`` in
    angle brackets (``<file>``, ``<syntax>``) names the file itself and has no value.

    Attributes:
        code: stable id of the rule, e.g. ``kafka.broker-count``.
        field: dotted path of the offending input, e.g. ``kafka.broker_count`` or ``subnets.public.eu-west-1a``.
        value: the value found there (``None`` when missing).
        message: what is wrong and what is allowed.
        file: the configuration file the input came from; ``None`` for props built in code.
    """

    code: str
    field: str
    value: object
    message: str
    file: str | None = None

    def __post_init__(self) -> None:
        # a file path or a field in first place is a call in another order: refuse it loudly
        if not _CODE.match(self.code):
            raise ValueError(f"problem code {self.code!r} must be a rule id such as 'kafka.broker-count'")

    def under(self, prefix: str) -> Problem:
        """The same problem with ``prefix`` before its field (``kafka.`` places props fields in an environment file)."""
        return replace(self, field=f"{prefix}{self.field}")

    def in_file(self, file: str) -> Problem:
        """The same problem, located in configuration file ``file``."""
        return replace(self, file=file)

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{located(self.field, self.value)}: {self.message}"


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


class ConstructValidationError(ValueError):
    """Props or arguments given to a construct break its rules; ``problems`` lists every one of them.

    ``code``, ``field``, ``value`` and ``message`` are those of the first problem, for the common
    error with only one.

    Attributes:
        problems: every problem found, in the order the rules ran.
        path: construct path, when known.
    """

    def __init__(self, problems: Sequence[Problem], path: str | None = None) -> None:
        if not problems:
            raise ValueError("a ConstructValidationError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.path = path
        where = f"[{path}] " if path else ""
        if len(self.problems) == 1:
            text = f"{where}{_line(self.problems[0])}"
        else:
            lines = "\n".join(f"  - {_line(problem)}" for problem in self.problems)
            text = f"{where}{len(self.problems)} problems:\n{lines}"
        super().__init__(text)

    @property
    def code(self) -> str:
        """Rule id of the first problem."""
        return self.problems[0].code

    @property
    def field(self) -> str:
        """Field of the first problem."""
        return self.problems[0].field

    @property
    def value(self) -> object:
        """Value of the first problem."""
        return self.problems[0].value

    @property
    def message(self) -> str:
        """Message of the first problem."""
        return self.problems[0].message

    def at(self, path: str) -> ConstructValidationError:
        """The same problems, located at construct ``path``."""
        return ConstructValidationError(self.problems, path)


def _line(problem: Problem) -> str:
    return f"{problem.field} = {problem.value!r}: {problem.message} ({problem.code})"


def refuse(problems: Sequence[Problem], path: str | None = None) -> None:
    """Raise one :class:`ConstructValidationError` listing every problem, located at construct ``path``;
    return when there are none."""
    if problems:
        raise ConstructValidationError(problems, path)


#: Problems a :class:`ConfigError`'s message lists (it counts the rest), and characters of each listed line.
#: However broken the files, the message stays under 32,000 characters: a caller that reads it through a pipe only
#: once the process has ended (a pipe holds 64 KB) never waits on a writer blocked by the full pipe.
LISTED_PROBLEMS, LISTED_LINE_CHARS = 30, 1000


class ConfigError(Exception):
    """One or more environment files are invalid; ``problems`` lists every one of them, each with its file.

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
