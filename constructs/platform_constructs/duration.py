"""Duration: a whole number of seconds, written ``"90s"``, ``"5m"`` or ``"1m30s"`` in configuration.

Kubernetes wants seconds (``minReadySeconds``), Terraform wants Go durations (``timeouts.update =
"10m"``) and people read minutes; one type converts between them so no field is a bare int whose
unit a reader has to guess.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

_TEXT = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


@functools.total_ordering
class Duration:
    """A non-negative whole number of seconds.

    Build one with :meth:`seconds`, :meth:`minutes` or :meth:`parse`; compare durations with each
    other or with their text form (``Duration.minutes(15) == "15m"``), which is how the tier floors
    in ``config/presets/*.toml`` state limits.
    """

    __slots__ = ("_seconds",)

    def __init__(self, seconds: int) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            raise ValueError(f"a duration is a whole number of seconds >= 0, got {seconds!r}")
        self._seconds = seconds

    @classmethod
    def seconds(cls, amount: int) -> Duration:
        """``amount`` seconds."""
        return cls(amount)

    @classmethod
    def minutes(cls, amount: int) -> Duration:
        """``amount`` minutes."""
        return cls(amount * 60)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """``"90s"``, ``"5m"``, ``"1h"``, ``"1m30s"``; ``"0s"`` is zero."""
        match = _TEXT.match(text) if isinstance(text, str) and text else None
        if match is None or not any(match.groupdict().values()):
            raise ValueError(f"{text!r} is not a duration; write whole hours, minutes and seconds such as '45s', "
                             "'5m' or '1m30s'")
        parts = {unit: int(value or 0) for unit, value in match.groupdict().items()}
        return cls(parts["h"] * 3600 + parts["m"] * 60 + parts["s"])

    def to_seconds(self) -> int:
        """The duration in seconds."""
        return self._seconds

    def __str__(self) -> str:
        """Canonical text, also a valid Go duration for Terraform ``timeouts``: ``1h5m``, ``90s`` → ``1m30s``."""
        hours, rest = divmod(self._seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        text = "".join(f"{value}{unit}" for value, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if value)
        return text or "0s"

    def __repr__(self) -> str:
        return f"Duration({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        coerced = _coerce(other)
        return NotImplemented if coerced is None else self._seconds == coerced._seconds

    def __lt__(self, other: object) -> bool:
        coerced = _coerce(other)
        return NotImplemented if coerced is None else self._seconds < coerced._seconds

    def __hash__(self) -> int:
        return hash(self._seconds)

    def __add__(self, other: Duration) -> Duration:
        return Duration(self._seconds + other._seconds)

    def __mul__(self, factor: int) -> Duration:
        return Duration(self._seconds * factor)

    __rmul__ = __mul__


def _coerce(value: object) -> Duration | None:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        return Duration.parse(value)
    return None


def _validate(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be a duration written as text such as '30s' or '5m', got {value!r}")
    return Duration.parse(value)


#: A pydantic field type: accepts a :class:`Duration` or its text form, dumps as text.
DurationField = Annotated[Duration, PlainValidator(_validate), PlainSerializer(str, return_type=str)]
