"""Backup and maintenance windows: parsing, wrap-around, minimum lengths and overlap."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from pydantic import TypeAdapter, ValidationError

from platform_constructs.data.windows import daily_span, daily_window, overlap, weekly_span, weekly_window

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.mark.parametrize(("window", "span"), [
    ("02:00-03:00", (120, 60)),
    ("23:30-00:30", (1410, 60)),   # wraps around midnight
    ("00:00-23:59", (0, 1439)),
])
def test_daily_span(window, span):
    assert daily_span(window) == span


@pytest.mark.parametrize(("window", "span"), [
    ("mon:00:00-mon:00:30", (0, 30)),
    ("sun:03:30-sun:04:30", (6 * 1440 + 210, 60)),
    ("sun:23:00-mon:01:00", (6 * 1440 + 1380, 120)),   # wraps around the end of the week
])
def test_weekly_span(window, span):
    assert weekly_span(window) == span


@pytest.mark.parametrize(("daily", "weekly", "minutes"), [
    ("02:00-03:00", "sun:03:30-sun:04:30", 0),
    ("02:00-03:00", "sun:02:30-sun:03:30", 30),
    ("23:30-00:30", "mon:00:00-mon:01:00", 30),        # yesterday's backup runs into Monday
    ("23:30-00:30", "sun:23:00-mon:00:10", 40),        # both wrap
    ("03:00-04:00", "sun:04:00-sun:05:00", 0),         # touching is not overlapping
])
def test_overlap_counts_shared_minutes(daily, weekly, minutes):
    assert overlap(daily, weekly) == minutes


def _clock(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _weekly(start: int, length: int) -> str:
    start %= 7 * 1440
    end = (start + length) % (7 * 1440)
    return f"{DAYS[start // 1440]}:{_clock(start)}-{DAYS[end // 1440]}:{_clock(end)}"


@given(start=st.integers(0, 1439), length=st.integers(30, 600), day=st.integers(0, 6),
       offset=st.integers(0, 29), inner=st.integers(1, 30))
def test_a_maintenance_window_starting_during_a_backup_overlaps_until_either_ends(start, length, day, offset, inner):
    daily = f"{_clock(start)}-{_clock(start + length)}"
    weekly = _weekly(day * 1440 + start + offset, inner)
    assert overlap(daily, weekly) == min(inner, length - offset)


@given(start=st.integers(0, 1439), length=st.integers(30, 600), day=st.integers(0, 6), inner=st.integers(1, 840))
def test_a_maintenance_window_between_two_backups_never_overlaps(start, length, day, inner):
    daily = f"{_clock(start)}-{_clock(start + length)}"
    # at most 600 minutes of backup leave at least 840 free minutes before the next one starts
    weekly = _weekly(day * 1440 + start + length, inner)
    assert overlap(daily, weekly) == 0


DAILY_30 = TypeAdapter(daily_window(30))
WEEKLY_60 = TypeAdapter(weekly_window(60))


@pytest.mark.parametrize(("adapter", "value", "fragment"), [
    (DAILY_30, "3:00-4:00", "must look like '03:00-04:00'"),
    (DAILY_30, "24:00-01:00", "must look like '03:00-04:00'"),
    (DAILY_30, "03:00-03:10", "lasts 10 minutes; allowed are 30 to 1439 minutes"),
    (DAILY_30, "03:00-03:00", "lasts 0 minutes"),
    (DAILY_30, 300, "valid string"),
    (WEEKLY_60, "Sun:04:00-Sun:05:00", "with days mon, tue"),
    (WEEKLY_60, "sun:04:00-sun:04:30", "lasts 30 minutes; allowed are 60 to 1440 minutes"),
    (WEEKLY_60, "sun:04:00-tue:04:00", "lasts 2880 minutes"),
])
def test_bad_windows_are_refused_with_the_rule(adapter, value, fragment):
    with pytest.raises(ValidationError, match=fragment):
        adapter.validate_python(value)
