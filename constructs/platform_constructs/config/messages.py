"""What a schema error says, in the terms of the file the user edits (TOML), not of the Python models.

pydantic words its errors for Python callers (``Input should be a valid integer``, ``'a', 'b' or 'c'``,
``instance of NetworkProps``); the loader shows them for environment files instead: values as TOML,
types as TOML's (string, integer, table, array), a suggestion for a misspelled key or tier.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from platform_constructs.config.tiers import TIERS
from platform_constructs.errors import toml_value

#: How close a misspelling must be to a known name to be suggested (difflib's ratio).
SUGGESTION_CUTOFF = 0.6

#: A quoted Python literal in pydantic's ``expected`` list: ``'per_az'``, ``"it's"``, ``True``, ``3``.
_LITERAL = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,\s]+""")

#: pydantic error types whose input has the wrong TOML type, and what TOML type the field wants.
_EXPECTED_TYPES = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer (no fraction)",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string (in double quotes)",
    "list_type": "an array ([...])",
    "tuple_type": "an array ([...])",
    "set_type": "an array ([...])",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}
#: pydantic's bounds, in the words the tier floors use.
_BOUNDS = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
           "greater_than": ("gt", "greater than"), "less_than": ("lt", "less than")}


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` is most likely a misspelling of, or ``None``."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=SUGGESTION_CUTOFF)
    return matches[0] if matches else None


def unknown_key(key: str, allowed: list[str]) -> str:
    """The message for ``key``, which the table does not accept, given the keys it does."""
    if not allowed:
        return "unknown key"
    close = suggestion(key, allowed)
    if close:
        return f"unknown key; did you mean {close}? Allowed keys here: {', '.join(allowed)}"
    return f"unknown key; allowed keys here: {', '.join(allowed)}"


def unknown_tier(value: Any) -> str:
    """The message for a ``tier`` that names no tier: the known tiers, and the likely one when misspelled."""
    known = ", ".join(TIERS)
    if value is None:
        return f"required: the tier whose preset supplies what the file leaves out, one of {known}"
    if not isinstance(value, str):
        return f"must be the name of a tier: {known}"
    close = suggestion(value, TIERS)
    if close:
        return f"unknown tier; did you mean {toml_value(close)}? Known tiers: {known}"
    return f"unknown tier; known tiers: {known}"


def schema_message(error: Mapping[str, Any]) -> str:
    """pydantic's message for one error (``ValidationError.errors()`` item), reworded for a TOML file.

    Missing fields and unknown keys are worded by the loader, which knows the tier and the table.
    """
    kind, message, context = error["type"], error["msg"], error.get("ctx") or {}
    if kind in _EXPECTED_TYPES:
        return _wrong_type(_EXPECTED_TYPES[kind], error.get("input"))
    if kind in ("literal_error", "enum"):
        return _not_one_of(_alternatives(str(context.get("expected", ""))), error.get("input"))
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        if key in context:
            return f"must be {words} {toml_value(context[key])}"
    return str(message).removeprefix("Value error, ")


def _wrong_type(expected: str, value: Any) -> str:
    found = _toml_type(value)
    message = f"must be {expected}, not {found}"
    if isinstance(value, str) and _unquoted_would_fit(expected, value.strip()):
        message += f": write {value.strip()} without quotes"
    return message


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"


def _unquoted_would_fit(expected: str, text: str) -> bool:
    """Whether ``text``, written without its quotes, is a TOML value of the ``expected`` type."""
    if expected == "true or false":
        return text in ("true", "false")
    if expected.startswith("an integer"):
        return re.fullmatch(r"[+-]?\d+", text) is not None
    if expected == "a number":
        return re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", text) is not None
    return False


def _not_one_of(alternatives: list[Any], value: Any) -> str:
    message = f"must be one of: {', '.join(toml_value(item) for item in alternatives)}"
    words = [item for item in alternatives if isinstance(item, str)]
    close = suggestion(value, words) if isinstance(value, str) else None
    return f"{message}; did you mean {toml_value(close)}?" if close else message


def _alternatives(expected: str) -> list[Any]:
    """The values of pydantic's ``'a', 'b' or 'c'``; a word it cannot read stays a string."""
    values = []
    for word in _LITERAL.findall(expected):
        if word == "or":
            continue
        try:
            values.append(ast.literal_eval(word))
        except (ValueError, SyntaxError):
            values.append(word)
    return values
