"""Duration: parsing, canonical text (a Go duration for Terraform), arithmetic and comparison with text."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from pydantic import TypeAdapter, ValidationError

from platform_constructs.duration import Duration, DurationField


@pytest.mark.parametrize(("text", "seconds", "canonical"), [
    ("0s", 0, "0s"), ("45s", 45, "45s"), ("90s", 90, "1m30s"), ("5m", 300, "5m"), ("1m30s", 90, "1m30s"),
    ("1h", 3600, "1h"), ("1h5m", 3900, "1h5m"), ("2h0m1s", 7201, "2h1s"),
])
def test_parse_and_canonical_text(text, seconds, canonical):
    duration = Duration.parse(text)
    assert duration.to_seconds() == seconds
    assert str(duration) == canonical


@pytest.mark.parametrize("text", ["", "10", "1d", "-5s", "5 m", "1.5m", "m", "5s1m", "10S"])
def test_malformed_text_is_refused_with_examples(text):
    with pytest.raises(ValueError, match=r"not a duration; write whole hours, minutes and seconds such as '45s'"):
        Duration.parse(text)


@pytest.mark.parametrize("value", [10, 1.5, True, None, ["5s"]])
def test_a_field_accepts_only_text(value):
    with pytest.raises(ValidationError, match="must be a duration written as text such as '30s' or '5m'"):
        TypeAdapter(DurationField).validate_python(value)


@pytest.mark.parametrize("seconds", [-1, 1.5, True])
def test_negative_or_fractional_seconds_are_refused(seconds):
    with pytest.raises(ValueError, match="whole number of seconds >= 0"):
        Duration(seconds)


@given(st.integers(min_value=0, max_value=10 * 86400))
def test_canonical_text_round_trips(seconds):
    duration = Duration.seconds(seconds)
    assert Duration.parse(str(duration)) == duration
    assert TypeAdapter(DurationField).dump_python(duration) == str(duration)


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=0, max_value=100_000))
def test_ordering_and_arithmetic_follow_the_seconds(first, second):
    a, b = Duration.seconds(first), Duration.seconds(second)
    assert (a < b) == (first < second)
    assert (a == b) == (first == second)
    assert (a + b).to_seconds() == first + second
    assert (a * 3).to_seconds() == 3 * first == (3 * a).to_seconds()


def test_compares_with_its_text_form_as_tier_floors_do():
    assert Duration.minutes(15) == "15m"
    assert Duration.minutes(16) > "15m"
    assert Duration.seconds(4) < "5s"
    assert hash(Duration.minutes(1)) == hash(Duration.seconds(60))
