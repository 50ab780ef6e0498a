"""Count and Percent: parsing from configuration, resolution against a replica count."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st
from pydantic import TypeAdapter, ValidationError

from platform_constructs.k8s.scale import Count, CountOrPercentField, Percent

ADAPTER = TypeAdapter(CountOrPercentField)


@pytest.mark.parametrize(("value", "parsed", "dumped"), [
    (0, Count(0), 0), (3, Count(3), 3), ("0%", Percent(0), "0%"), ("25%", Percent(25), "25%"),
    ("100%", Percent(100), "100%"), (Count(2), Count(2), 2), (Percent(50), Percent(50), "50%"),
])
def test_configuration_values_parse_and_dump_as_written(value, parsed, dumped):
    assert ADAPTER.validate_python(value) == parsed
    assert ADAPTER.dump_python(parsed) == dumped


@pytest.mark.parametrize(("value", "message"), [
    ("1", "must be a pod count (a number such as 1) or a percentage (text such as '25%'), got '1'"),
    ("25 %", "got '25 %'"),
    ("-5%", "got '-5%'"),
    (1.5, "got 1.5"),
    (True, "got True"),
    (-1, "a pod count must be a whole number >= 0, got -1"),
    ("101%", "a percentage must be a whole number from 0 to 100, got 101"),
])
def test_bad_values_are_refused_saying_what_is_allowed(value, message):
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(value)
    assert message in str(caught.value)


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=10_000))
def test_percent_rounds_up_or_down_exactly(percent, replicas):
    share = Fraction(replicas * percent, 100)
    assert Percent(percent).resolve(replicas, round_up=True) == math.ceil(share)
    assert Percent(percent).resolve(replicas, round_up=False) == math.floor(share)


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=10_000), st.booleans())
def test_count_does_not_scale(count, replicas, round_up):
    assert Count(count).resolve(replicas, round_up=round_up) == count


def test_terraform_form_is_text():
    assert (str(Count(1)), str(Percent(25))) == ("1", "25%")
