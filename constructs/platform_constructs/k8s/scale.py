"""Count and Percent: Kubernetes "int or percent" values (``maxSurge``, ``maxUnavailable``, PDB limits).

A percentage is resolved against a replica count, rounding up or down depending on the field
(Kubernetes rounds ``maxSurge`` up and ``maxUnavailable`` down). In configuration files a count is
a TOML integer (``1``) and a percentage a string (``"25%"``); a numeric string such as ``"1"`` is
refused, because the Kubernetes API rejects it as a malformed percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

_PERCENT = re.compile(r"^(\d{1,3})%$")


@dataclass(frozen=True)
class Count:
    """An absolute number of pods, e.g. ``Count(1)``."""

    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise ValueError(f"a pod count must be a whole number >= 0, got {self.value!r}")

    def resolve(self, replicas: int, *, round_up: bool) -> int:
        """The number of pods for ``replicas`` desired pods (a count does not scale)."""
        return self.value

    @property
    def is_zero(self) -> bool:
        """Whether the value is 0 at every replica count."""
        return self.value == 0

    def __str__(self) -> str:
        """The Terraform (and ``kubectl``) form: ``"1"``."""
        return str(self.value)

    def config_value(self) -> int:
        """The configuration-file form: a TOML integer."""
        return self.value

    def __repr__(self) -> str:
        return f"Count({self.value})"


@dataclass(frozen=True)
class Percent:
    """A share of the desired pods, e.g. ``Percent(25)``; 0–100."""

    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or not 0 <= self.value <= 100:
            raise ValueError(f"a percentage must be a whole number from 0 to 100, got {self.value!r}")

    def resolve(self, replicas: int, *, round_up: bool) -> int:
        """Pods for ``replicas`` desired pods, in integer arithmetic (no float rounding error)."""
        scaled = replicas * self.value
        return -(-scaled // 100) if round_up else scaled // 100

    @property
    def is_zero(self) -> bool:
        """Whether the value is 0 at every replica count."""
        return self.value == 0

    def __str__(self) -> str:
        """The Terraform (and ``kubectl``) form: ``"25%"``."""
        return f"{self.value}%"

    def config_value(self) -> str:
        """The configuration-file form: ``"25%"``."""
        return str(self)

    def __repr__(self) -> str:
        return f"Percent({self.value})"


#: Either kind of value.
CountOrPercent = Count | Percent


def parse_count_or_percent(value: Any) -> CountOrPercent:
    """``Count``/``Percent`` instances pass; ``1`` → ``Count(1)``; ``"25%"`` → ``Percent(25)``."""
    if isinstance(value, Count | Percent):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Count(value)
    if isinstance(value, str) and (match := _PERCENT.match(value)):
        return Percent(int(match.group(1)))
    raise ValueError(f"must be a pod count (a number such as 1) or a percentage (text such as '25%'), got {value!r}")


#: A pydantic field type for :data:`CountOrPercent`; dumps as ``1`` or ``"25%"`` like the input.
CountOrPercentField = Annotated[
    CountOrPercent,
    PlainValidator(parse_count_or_percent),
    PlainSerializer(lambda value: value.config_value()),
]
