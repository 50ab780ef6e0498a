"""Daily backup windows and weekly maintenance windows, as RDS and ElastiCache write them (UTC).

A daily window is ``hh:mm-hh:mm`` and a weekly one ``ddd:hh:mm-ddd:hh:mm``; both may wrap
around midnight (or the end of the week). Each is checked for a minimum length, and
:func:`overlap` finds the minutes a daily window shares with a weekly one: a backup that
starts while the instance is being patched is either refused by AWS (RDS) or delayed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator

from platform_constructs.props import StrictStr

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTES_PER_DAY = 24 * 60
_MINUTES_PER_WEEK = 7 * _MINUTES_PER_DAY
_CLOCK = r"([01]\d|2[0-3]):([0-5]\d)"
_DAILY = re.compile(rf"^{_CLOCK}-{_CLOCK}$")
_WEEKLY = re.compile(rf"^({'|'.join(_DAYS)}):{_CLOCK}-({'|'.join(_DAYS)}):{_CLOCK}$")


def _span(start: int, end: int, period: int) -> tuple[int, int]:
    """``(start, length)`` in minutes; an end before the start wraps around the period."""
    return start, (end - start) % period


def daily_span(window: str) -> tuple[int, int]:
    """Start minute of the day and length of a valid ``hh:mm-hh:mm`` window."""
    start_h, start_m, end_h, end_m = (int(part) for part in _DAILY.match(window).groups())  # type: ignore[union-attr]
    return _span(start_h * 60 + start_m, end_h * 60 + end_m, _MINUTES_PER_DAY)


def weekly_span(window: str) -> tuple[int, int]:
    """Start minute of the week and length of a valid ``ddd:hh:mm-ddd:hh:mm`` window."""
    start_d, start_h, start_m, end_d, end_h, end_m = _WEEKLY.match(window).groups()  # type: ignore[union-attr]
    start = _DAYS.index(start_d) * _MINUTES_PER_DAY + int(start_h) * 60 + int(start_m)
    end = _DAYS.index(end_d) * _MINUTES_PER_DAY + int(end_h) * 60 + int(end_m)
    return _span(start, end, _MINUTES_PER_WEEK)


def _minutes_of_week(start: int, length: int) -> set[int]:
    return {(start + offset) % _MINUTES_PER_WEEK for offset in range(length)}


def overlap(daily: str, weekly: str) -> int:
    """Minutes per week during which the daily window and the weekly window are both open."""
    daily_start, daily_length = daily_span(daily)
    weekly_minutes = _minutes_of_week(*weekly_span(weekly))
    every_day = set().union(*(
        _minutes_of_week(day * _MINUTES_PER_DAY + daily_start, daily_length) for day in range(len(_DAYS))
    ))
    return len(every_day & weekly_minutes)


def refuse_overlap(daily_field: str, daily: str | None, weekly: str) -> str:
    """``weekly`` unchanged, or a ValueError when it shares minutes with ``daily`` (named ``daily_field``)."""
    if daily is not None and (minutes := overlap(daily, weekly)):
        raise ValueError(f"overlaps {daily_field} {daily!r} by {minutes} minutes a week; "
                         "choose windows that do not overlap")
    return weekly


def _checked(pattern: re.Pattern[str], example: str, span: Callable[[str], tuple[int, int]],
             min_minutes: int, max_minutes: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"must look like {example} (UTC, 24-hour clock)")
        length = span(value)[1]
        if not min_minutes <= length <= max_minutes:
            raise ValueError(f"lasts {length} minutes; allowed are {min_minutes} to {max_minutes} minutes")
        return value
    return check


def daily_window_rule(min_minutes: int) -> AfterValidator:
    """The check of a daily ``hh:mm-hh:mm`` window at least ``min_minutes`` long (``Annotated`` metadata)."""
    return AfterValidator(_checked(_DAILY, "'03:00-04:00'", daily_span, min_minutes, _MINUTES_PER_DAY - 1))


def weekly_window_rule(min_minutes: int) -> AfterValidator:
    """The check of a weekly ``ddd:hh:mm-ddd:hh:mm`` window between ``min_minutes`` and 24 hours long."""
    example = f"'sun:04:00-sun:05:00' with days {', '.join(_DAYS)}"
    return AfterValidator(_checked(_WEEKLY, example, weekly_span, min_minutes, _MINUTES_PER_DAY))


def daily_window(min_minutes: int) -> Any:
    """Type of a daily ``hh:mm-hh:mm`` window at least ``min_minutes`` long."""
    return Annotated[StrictStr, daily_window_rule(min_minutes)]


def weekly_window(min_minutes: int) -> Any:
    """Type of a weekly ``ddd:hh:mm-ddd:hh:mm`` window between ``min_minutes`` and 24 hours long."""
    return Annotated[StrictStr, weekly_window_rule(min_minutes)]
