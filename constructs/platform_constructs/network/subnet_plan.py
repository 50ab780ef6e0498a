"""Pure address planning for the Network construct (no cloud calls, no cdktf)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from platform_constructs.errors import Problem, refuse
from platform_constructs.network.props import ExplicitSubnets, NetworkProps, SubnetTier

TIERS: tuple[SubnetTier, ...] = ("public", "private", "isolated")
_ZONE_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SubnetPlan:
    """Subnet CIDR per tier and zone name."""

    zones: tuple[str, ...]
    cidrs: dict[SubnetTier, dict[str, str]]

    def for_tier(self, tier: SubnetTier) -> dict[str, str]:
        """Zone name → CIDR for one tier."""
        return self.cidrs[tier]


def zone_names(props: NetworkProps, region: str) -> tuple[str, ...]:
    """The availability zones of the plan: explicit, or ``region`` + a, b, c ... (see :func:`subnet_problems`)."""
    return props.availability_zones or tuple(f"{region}{letter}" for letter in _ZONE_LETTERS[: props.az_count])


def subnet_problems(props: NetworkProps, region: str) -> list[Problem]:
    """Every reason the subnet layout of ``props`` cannot be planned in ``region``; ``[]`` when it can.

    Zones outside the region or repeated, zone letters beyond the reserved slots, a VPC too small for
    the requested subnets, explicit subnets that leave the VPC, overlap or name other zones.
    """
    zones = zone_names(props, region)
    problems = [
        Problem("network.zone-name", "availability_zones", zones,
                f"{zone!r} is not a zone of region {region!r} (expected {region}a, {region}b, ...)")
        for zone in zones
        if not zone.startswith(region) or len(zone) != len(region) + 1 or zone[-1] not in _ZONE_LETTERS
    ]
    if len(set(zones)) != len(zones):
        problems.append(Problem("network.zone-duplicate", "availability_zones", zones, f"{zones} repeats a zone"))
    if problems:
        return problems  # the checks below read each zone's letter
    if props.subnets is not None:
        return _explicit_problems(props.subnets, props.cidr, zones)
    return _capacity_problems(props, zones)


def plan_subnets(props: NetworkProps, region: str) -> SubnetPlan:
    """Compute (or take the explicit) subnet layout of ``props``.

    Raises:
        ConstructValidationError: listing every problem :func:`subnet_problems` finds.
    """
    refuse(subnet_problems(props, region))
    zones = zone_names(props, region)
    if props.subnets is not None:
        return SubnetPlan(zones, _explicit(props.subnets))
    return SubnetPlan(zones, _computed(props, zones))


def _prefixes(props: NetworkProps) -> dict[SubnetTier, int]:
    return {
        "public": props.public_prefix_length,
        "private": props.private_prefix_length,
        "isolated": props.isolated_prefix_length,
    }


def _capacity_problems(props: NetworkProps, zones: tuple[str, ...]) -> list[Problem]:
    problems = []
    for zone in zones:
        slot = _ZONE_LETTERS.index(zone[-1])
        if slot >= props.az_slots:
            problems.append(Problem(
                "network.zone-slot", "az_slots", props.az_slots,
                f"zone {zone!r} needs slot {slot} but only {props.az_slots} slot(s) are reserved; raise az_slots",
            ))
    vpc = ipaddress.IPv4Network(props.cidr)
    prefixes = _prefixes(props)
    needed = sum(props.az_slots * 2 ** (32 - prefix) for prefix in prefixes.values())
    if needed > vpc.num_addresses:
        problems.append(Problem(
            "network.vpc-too-small", "cidr", props.cidr,
            f"{props.cidr} holds {vpc.num_addresses} addresses but {props.az_slots} slot(s) of "
            f"/{prefixes['public']} public, /{prefixes['private']} private and /{prefixes['isolated']} isolated "
            f"subnets need {needed}; use a larger VPC, longer prefix lengths or fewer az_slots",
        ))
    return problems


def _computed(props: NetworkProps, zones: tuple[str, ...]) -> dict[SubnetTier, dict[str, str]]:
    vpc = ipaddress.IPv4Network(props.cidr)
    prefixes = _prefixes(props)
    # Largest subnets first keeps every block aligned to its own size.
    cursor = int(vpc.network_address)
    cidrs: dict[SubnetTier, dict[str, str]] = {}
    for tier in sorted(TIERS, key=lambda name: prefixes[name]):
        size = 2 ** (32 - prefixes[tier])
        cidrs[tier] = {
            zone: str(ipaddress.IPv4Network((cursor + _ZONE_LETTERS.index(zone[-1]) * size, prefixes[tier])))
            for zone in zones
        }
        cursor += props.az_slots * size
    return {tier: cidrs[tier] for tier in TIERS}


def _explicit(subnets: ExplicitSubnets) -> dict[SubnetTier, dict[str, str]]:
    return {tier: dict(getattr(subnets, tier)) for tier in TIERS}


def _explicit_problems(subnets: ExplicitSubnets, vpc_cidr: str, zones: tuple[str, ...]) -> list[Problem]:
    vpc = ipaddress.IPv4Network(vpc_cidr)
    problems = []
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier, cidrs in _explicit(subnets).items():
        if set(cidrs) != set(zones):
            problems.append(Problem("network.subnet-zones", f"subnets.{tier}", cidrs,
                                    f"names zones {sorted(cidrs)} but the VPC uses {list(zones)}"))
        for zone, cidr in cidrs.items():
            network = ipaddress.IPv4Network(cidr)
            field = f"subnets.{tier}.{zone}"
            if not network.subnet_of(vpc):
                problems.append(Problem("network.subnet-outside", field, cidr, f"{cidr} is outside the VPC {vpc_cidr}"))
            problems.extend(Problem("network.subnet-overlap", field, cidr, f"{cidr} overlaps {other_field} ({other})")
                            for other_field, other in seen if network.overlaps(other))
            seen.append((field, network))
    return problems
