"""Base class and field types of every props and configuration model.

Scalars are strict: a string where a number belongs is an error, never coerced. Collections
stay lax so that TOML arrays (lists) become the tuples that keep props immutable.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, ValidationError
from pydantic.json_schema import JsonDict  # type: ignore[attr-defined]  # pydantic re-exports it without __all__
from pydantic_core import InitErrorDetails, PydanticCustomError

from platform_constructs.errors import Problem

StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
StrictStr = Annotated[str, Strict()]

#: CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"must be an IPv4 network in CIDR notation such as 10.0.0.0/16 ({error})") from None
    return str(network)


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        allowed = ", ".join(str(days) for days in LOG_RETENTION_DAYS)
        raise ValueError(f"must be one of the CloudWatch retention periods: {allowed}")
    return value


#: An IPv4 network such as ``10.0.0.0/16`` (host bits must be zero).
Cidr = Annotated[StrictStr, AfterValidator(_cidr)]
#: A CloudWatch Logs retention period in days.
LogRetentionDays = Annotated[StrictInt, AfterValidator(_retention)]


class Props(BaseModel):
    """Base of every props and configuration model: immutable, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


#: ``json_schema_extra`` of a field that may differ between staging and prod: a size, a count,
#: a duration or an address. Every other field is a topology feature and must match between
#: the two tiers (the staging parity rule in ``config/rules.py``).
MAY_DIFFER: JsonDict = {"parity_exempt": True}


def may_differ(field_info: object) -> bool:
    """Whether a pydantic ``FieldInfo`` is exempt from staging parity."""
    extra = getattr(field_info, "json_schema_extra", None)
    return isinstance(extra, dict) and bool(extra.get("parity_exempt"))


def refuse_in_validator(model: str, problems: Sequence[Problem]) -> None:
    """Inside a model validator: raise one pydantic ``ValidationError`` holding every problem at its own field.

    A model validator normally reports at the model's location; entries located at the fields make the
    configuration loader name the exact field (``rollout.progress_deadline``) with its value, and carry the
    rule id as the error type. Returns when there are no problems.
    """
    if problems:
        raise ValidationError.from_exception_data(model, [
            InitErrorDetails(type=PydanticCustomError(problem.code, "{message}", {"message": problem.message}),
                             loc=tuple(problem.field.split(".")), input=problem.value)
            for problem in problems
        ])
