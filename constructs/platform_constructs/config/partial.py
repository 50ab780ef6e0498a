"""What is known of a configuration file that did not validate, so the rules can still judge it.

Rules (``config/rules.py``, the tier floors, the cross-file rules) need a validated configuration.
When a file has schema errors, every section (top-level key) that validates on its own is kept,
and each section that does not becomes :data:`UNKNOWN`: a stand-in that refuses to be read. A rule
that reads it stops with :class:`UnknownValue` and is skipped for that file (it will judge the
value once the value is valid); every rule that reads only sound sections reports at once. So one
round of messages holds every problem that can be known, and never a problem about a stand-in.
A rule that judges many values one by one (staging parity) may skip the unknown ones itself
(:func:`is_unknown`) rather than stop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

Model = TypeVar("Model", bound=BaseModel)
Found = TypeVar("Found")


class UnknownValue(Exception):
    """A rule read a section that did not validate. Deliberately not a ``ValueError``: rules that catch
    those for their own checks must not mistake it for a finding."""


class _Unknown:
    """The stand-in of a section that did not validate: any use of it raises :class:`UnknownValue`."""

    __slots__ = ()

    def _refuse(self, *_: object, **__: object) -> NoReturn:
        raise UnknownValue("a rule read a section that did not validate")

    __getattr__ = __getitem__ = __iter__ = __len__ = __contains__ = __bool__ = __hash__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __mod__ = __rmod__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __int__ = __float__ = __index__ = _refuse
    __str__ = __repr__ = __format__ = __call__ = _refuse


#: The one stand-in; compare with ``is``.
UNKNOWN: Any = _Unknown()


def salvage(model: type[Model], data: Mapping[str, Any], error: ValidationError) -> Model:
    """``model`` built from ``data`` with every section named by ``error`` (and every section that does
    not validate on its own) replaced by :data:`UNKNOWN`. No validator of ``model`` itself runs."""
    broken = {str(item["loc"][0]) for item in error.errors(include_url=False) if item["loc"]}
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if {key, name} & broken:
            values[name] = UNKNOWN
        elif key in data:
            try:
                values[name] = _section_adapter(model, name).validate_python(data[key])
            except ValidationError:
                values[name] = UNKNOWN
        elif field.is_required():
            values[name] = UNKNOWN
    return model.model_construct(**values)


@functools.cache
def _section_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    annotated: Any = Annotated[field.annotation, field]  # built at run time: no static type form to check
    return TypeAdapter(annotated)


def known_findings(rule: Callable[[Any], Iterable[Found]], subject: Any) -> tuple[list[Found], bool]:
    """What ``rule`` finds in ``subject``, and whether it judged all of it: a rule that reads a value that did
    not validate stops there, and what it found before is kept (it was found from sound values)."""
    found: list[Found] = []
    try:
        for finding in rule(subject):
            found.append(finding)
    except UnknownValue:
        return found, False
    return found, True


def is_unknown(value: object) -> bool:
    """Whether ``value`` is the stand-in of a section that did not validate."""
    return value is UNKNOWN


def without(config: Model, fields: Iterable[str]) -> Model:
    """``config`` with the value at each dotted field (``kafka.broker_count``, ``apps.api.port``,
    ``policy.suppressions.0.rule``) replaced by :data:`UNKNOWN`: a value already reported as a problem is
    not a basis for judging others. A field the models do not have stands for its whole table."""
    for field in fields:
        parts = field.split(".")
        if isinstance(config, BaseModel) and _field_name(type(config), parts[0]) is not None:
            config = _replace(config, parts)
    return config


def _replace(node: Any, parts: list[str]) -> Any:
    if node is UNKNOWN:
        return node
    head, rest = parts[0], parts[1:]
    if isinstance(node, BaseModel):
        name = _field_name(type(node), head)
        if name is None:
            return UNKNOWN
        return node.model_copy(update={name: _replace(getattr(node, name), rest) if rest else UNKNOWN})
    if isinstance(node, Mapping) and head in node:
        return {**node, head: _replace(node[head], rest) if rest else UNKNOWN}
    if isinstance(node, tuple | list) and head.isdigit() and int(head) < len(node):
        items = list(node)
        items[int(head)] = _replace(items[int(head)], rest) if rest else UNKNOWN
        return type(node)(items)
    return UNKNOWN


def _field_name(model: type[BaseModel], key: str) -> str | None:
    """The field of ``model`` that TOML key ``key`` sets (by name or alias)."""
    if key in model.model_fields:
        return key
    return next((name for name, field in model.model_fields.items() if field.alias == key), None)
