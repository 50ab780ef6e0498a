"""Subnet planning: disjoint, inside the VPC, and stable when zones are added."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, strategies as st

from platform_constructs.errors import ConstructValidationError
from platform_constructs.network.props import NetworkProps
from platform_constructs.network.subnet_plan import plan_subnets

REGION = "eu-west-1"


def _all_networks(plan):
    return [ipaddress.IPv4Network(cidr) for tier in plan.cidrs.values() for cidr in tier.values()]


def test_default_plan_of_a_16():
    plan = plan_subnets(NetworkProps(cidr="10.0.0.0/16", az_count=3), REGION)
    assert plan.zones == ("eu-west-1a", "eu-west-1b", "eu-west-1c")
    assert plan.for_tier("private") == {
        "eu-west-1a": "10.0.0.0/19", "eu-west-1b": "10.0.32.0/19", "eu-west-1c": "10.0.64.0/19",
    }
    assert plan.for_tier("public")["eu-west-1a"] == "10.0.128.0/24"
    assert plan.for_tier("isolated")["eu-west-1c"] == "10.0.134.0/24"


def test_adding_a_zone_keeps_every_existing_subnet():
    two = plan_subnets(NetworkProps(cidr="10.0.0.0/16", az_count=2), REGION)
    three = plan_subnets(NetworkProps(cidr="10.0.0.0/16", az_count=3), REGION)
    assert {tier: len(cidrs) for tier, cidrs in two.cidrs.items()} == {"public": 2, "private": 2, "isolated": 2}
    assert {tier: len(cidrs) for tier, cidrs in three.cidrs.items()} == {"public": 3, "private": 3, "isolated": 3}
    for tier, cidrs in two.cidrs.items():
        assert cidrs.items() <= three.cidrs[tier].items()


def test_a_zone_keeps_its_slot_whatever_the_others_are():
    props = NetworkProps(cidr="10.0.0.0/16", az_count=2, availability_zones=("eu-west-1a", "eu-west-1c"))
    plan = plan_subnets(props, REGION)
    full = plan_subnets(NetworkProps(cidr="10.0.0.0/16", az_count=3), REGION)
    assert plan.for_tier("private")["eu-west-1c"] == full.for_tier("private")["eu-west-1c"]


@given(
    vpc_prefix=st.integers(min_value=16, max_value=22),
    prefixes=st.tuples(*(st.integers(min_value=16, max_value=28) for _ in range(3))),
    az_count=st.integers(min_value=1, max_value=4),
    slots=st.integers(min_value=4, max_value=6),
)
def test_plan_is_disjoint_and_inside_the_vpc_or_refused(vpc_prefix, prefixes, az_count, slots):
    props = NetworkProps(cidr=f"10.0.0.0/{vpc_prefix}", az_count=az_count, az_slots=slots,
                         public_prefix_length=prefixes[0], private_prefix_length=prefixes[1],
                         isolated_prefix_length=prefixes[2])
    try:
        plan = plan_subnets(props, REGION)
    except ConstructValidationError as error:  # either refused as too small, or a plan with the properties below
        assert error.code == "network.vpc-too-small"  # noqa: PT017
        return
    vpc = ipaddress.IPv4Network(props.cidr)
    networks = _all_networks(plan)
    assert all(network.subnet_of(vpc) for network in networks)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(networks, 2))


@pytest.mark.parametrize(("props", "code", "field"), [
    (NetworkProps(cidr="10.0.0.0/20"), "network.vpc-too-small", "cidr"),
    (NetworkProps(az_count=5), "network.zone-slot", "az_slots"),
    (NetworkProps(az_count=2, availability_zones=("eu-west-1a", "eu-west-1a")), "network.zone-duplicate",
     "availability_zones"),
    (NetworkProps(az_count=1, availability_zones=("eu-central-1a",)), "network.zone-name", "availability_zones"),
])
def test_impossible_plans_are_refused_with_code_and_field(props, code, field):
    with pytest.raises(ConstructValidationError) as raised:
        plan_subnets(props, REGION)
    assert (raised.value.code, raised.value.field) == (code, field)


def test_explicit_subnets_must_stay_inside_the_vpc():
    props = NetworkProps.model_validate({
        "cidr": "10.0.0.0/16", "az_count": 1,
        "subnets": {"public": {"eu-west-1a": "10.1.0.0/24"}, "private": {"eu-west-1a": "10.0.32.0/19"},
                    "isolated": {"eu-west-1a": "10.0.2.0/24"}},
    })
    with pytest.raises(ConstructValidationError,
                       match=r"subnets.public.eu-west-1a = '10.1.0.0/24': 10.1.0.0/24 is outside the VPC 10.0.0.0/16"):
        plan_subnets(props, REGION)


def test_explicit_subnets_must_cover_exactly_the_zones():
    props = NetworkProps.model_validate({
        "cidr": "10.0.0.0/16", "az_count": 2,
        "subnets": {"public": {"eu-west-1a": "10.0.0.0/24"}, "private": {"eu-west-1a": "10.0.32.0/19"},
                    "isolated": {"eu-west-1a": "10.0.2.0/24"}},
    })
    with pytest.raises(ConstructValidationError) as raised:
        plan_subnets(props, REGION)
    # every tier is reported at once, not only the first
    assert [(problem.code, problem.field) for problem in raised.value.problems] == [
        ("network.subnet-zones", f"subnets.{tier}") for tier in ("public", "private", "isolated")]
    assert "names zones ['eu-west-1a'] but the VPC uses ['eu-west-1a', 'eu-west-1b']" in raised.value.message
