"""Rolling-update strategy: the factory's rejection rule and the fencepost preview (property tests)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from platform_constructs.errors import ConstructValidationError
from platform_constructs.k8s.strategy import Count, Percent, Recreate, RollingUpdate

values = st.one_of(st.builds(Count, st.integers(min_value=0, max_value=20)),
                   st.builds(Percent, st.integers(min_value=0, max_value=100)))
replica_counts = st.integers(min_value=1, max_value=500)


def _zero(value):
    return value.value == 0


@given(values, values)
def test_factory_refuses_exactly_the_literal_double_zero(surge, unavailable):
    if _zero(surge) and _zero(unavailable):
        with pytest.raises(ConstructValidationError) as caught:
            RollingUpdate.of(max_surge=surge, max_unavailable=unavailable)
        assert caught.value.field == "max_unavailable"
        assert caught.value.code == "rollout.surge-and-unavailable-zero"
    else:
        assert RollingUpdate.of(max_surge=surge, max_unavailable=unavailable).max_surge == surge


@pytest.mark.parametrize(("surge", "unavailable", "message"), [
    (Count(0), Count(0), "max_unavailable = '0': may not be 0 when max_surge is 0:"),
    (Percent(0), Count(0), "max_unavailable = '0': may not be 0 when max_surge is 0%:"),
    (Count(0), Percent(0), "max_unavailable = '0%': may not be 0% when max_surge is 0:"),
])
def test_double_zero_message_names_both_fields(surge, unavailable, message):
    with pytest.raises(ConstructValidationError, match=message):
        RollingUpdate.of(max_surge=surge, max_unavailable=unavailable)


@given(values, values, replica_counts)
def test_preview_resolves_like_the_deployment_controller(surge, unavailable, replicas):
    if _zero(surge) and _zero(unavailable):
        return
    posts = RollingUpdate.of(max_surge=surge, max_unavailable=unavailable).preview(replicas)
    expected_surge = surge.value if isinstance(surge, Count) else math.ceil(Fraction(replicas * surge.value, 100))
    expected_unavailable = (unavailable.value if isinstance(unavailable, Count)
                            else math.floor(Fraction(replicas * unavailable.value, 100)))
    both_zero = expected_surge == 0 and expected_unavailable == 0
    assert posts.coerced == both_zero
    assert posts.max_surge == expected_surge
    assert posts.max_unavailable == (1 if both_zero else expected_unavailable)
    # the controller always has room to make progress, and the window is what the doc states
    assert posts.pods_per_wave >= 1
    assert posts.min_available == max(replicas - posts.max_unavailable, 0)
    assert posts.max_pods == replicas + posts.max_surge


@given(values, values, replica_counts)
def test_waves_are_the_fewest_that_replace_every_pod(surge, unavailable, replicas):
    if _zero(surge) and _zero(unavailable):
        return
    posts = RollingUpdate.of(max_surge=surge, max_unavailable=unavailable).preview(replicas)
    assert posts.waves * posts.pods_per_wave >= replicas
    assert (posts.waves - 1) * posts.pods_per_wave < replicas


def test_silent_coercion_is_visible_in_the_preview():
    """maxSurge 0, maxUnavailable 10% at 3 replicas: both round to 0, Kubernetes uses unavailable 1."""
    posts = RollingUpdate.of(max_surge=Count(0), max_unavailable=Percent(10)).preview(3)
    assert (posts.max_surge, posts.max_unavailable, posts.coerced) == (0, 1, True)


@pytest.mark.parametrize(("replicas", "surge", "unavailable"), [(1, 1, 0), (4, 1, 1), (10, 3, 2)])
def test_kubernetes_default_25_percent_matches_the_documented_table(replicas, surge, unavailable):
    posts = RollingUpdate.of().preview(replicas)
    assert (posts.max_surge, posts.max_unavailable) == (surge, unavailable)


@given(replica_counts)
def test_recreate_replaces_every_pod_in_one_wave(replicas):
    posts = Recreate().preview(replicas)
    assert (posts.waves, posts.min_available, posts.max_pods) == (1, 0, replicas)


def test_terraform_blocks():
    assert RollingUpdate.of(max_surge=Count(1), max_unavailable=Count(0)).terraform() == {
        "type": "RollingUpdate", "rolling_update": {"max_surge": "1", "max_unavailable": "0"}}
    assert Recreate().terraform() == {"type": "Recreate"}
