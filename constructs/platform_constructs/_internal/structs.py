"""Build jsii structs of the provider bindings from plain nested dicts.

The generated bindings turn a dict into its struct only where a field holds a single struct; a
*list* of dicts (``container``, ``port``, ``volume_mount`` …) reaches the jsii kernel as a raw
map and is refused. :func:`struct` walks the struct's type hints and builds every nested struct,
so constructs can describe deep Kubernetes specs as readable dicts. It imports no binding: the
struct classes come from the caller, through ``_internal/tf.py``.
"""

from __future__ import annotations

import functools
import typing
from typing import Any


def struct(struct_type: type, values: dict[str, Any]) -> Any:
    """``struct_type(**values)`` with every nested dict, and every dict in a list, built into its struct."""
    hints = _hints(struct_type)
    return struct_type(**{key: _convert(value, hints.get(key)) for key, value in values.items()})


@functools.cache
def _hints(struct_type: type) -> dict[str, Any]:
    return typing.get_type_hints(struct_type.__init__)  # type: ignore[misc]  # the class's own __init__, not an instance's


def _convert(value: Any, hint: Any) -> Any:
    target = _struct_in(hint)
    if target is None:
        return value
    if isinstance(value, dict):
        return struct(target, value)
    if isinstance(value, list):
        return [struct(target, item) if isinstance(item, dict) else item for item in value]
    return value


@functools.cache  # a few hundred distinct hints, looked up once per value converted
def _struct_in(hint: Any) -> type | None:
    """The jsii struct class named anywhere in a type hint (``Union[IResolvable, Sequence[Union[S, Dict]]]`` →
    ``S``)."""
    if isinstance(hint, type) and hasattr(hint, "__jsii_struct_bases__"):
        return hint
    for argument in typing.get_args(hint):
        found = _struct_in(argument)
        if found is not None:
            return found
    return None
