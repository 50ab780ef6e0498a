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

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

#: A rule id: dotted lower-case words, e.g. ``kafka.broker-count`` or ``schema.extra_forbidden``.
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$")


@dataclass(frozen=True)
class Problem:
    """One broken rule of one input.

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
        located = f"{self.file}: " if self.file else ""
        return f"{located}{self.field} = {self.value!r}: {self.message}"


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


class ConfigError(Exception):
    """One or more environment files are invalid; ``problems`` lists every one of them, each with its file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid environment configuration ({len(problems)} problem(s)):\n{lines}")
