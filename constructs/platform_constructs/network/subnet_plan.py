"""Pure address planning for the Network construct (no cloud calls, no cdktf)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from platform_constructs.errors import ConstructValidationError
from platform_constructs.network.props import NetworkProps, SubnetTier

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
    """The availability zones of the plan: explicit, or ``region`` + a, b, c ..."""
    zones = props.availability_zones or tuple(f"{region}{letter}" for letter in _ZONE_LETTERS[: props.az_count])
    for zone in zones:
        if not zone.startswith(region) or len(zone) != len(region) + 1 or zone[-1] not in _ZONE_LETTERS:
            raise ConstructValidationError(
                "network.zone-name", "availability_zones",
                f"{zone!r} is not a zone of region {region!r} (expected {region}a, {region}b, ...)",
            )
    if len(set(zones)) != len(zones):
        raise ConstructValidationError("network.zone-duplicate", "availability_zones", f"{zones} repeats a zone")
    return zones


def plan_subnets(props: NetworkProps, region: str) -> SubnetPlan:
    """Compute (or check the explicit) subnet layout of ``props``.

    Raises:
        ConstructValidationError: a zone letter outside the slots, a VPC too small for the
            requested subnets, or explicit subnets that overlap or leave the VPC.
    """
    zones = zone_names(props, region)
    if props.subnets is not None:
        cidrs = {tier: dict(getattr(props.subnets, tier)) for tier in TIERS}
        _check_explicit(props, zones, cidrs)
        return SubnetPlan(zones, cidrs)
    return SubnetPlan(zones, _computed(props, zones))


def _computed(props: NetworkProps, zones: tuple[str, ...]) -> dict[SubnetTier, dict[str, str]]:
    vpc = ipaddress.IPv4Network(props.cidr)
    for zone in zones:
        slot = _ZONE_LETTERS.index(zone[-1])
        if slot >= props.az_slots:
            raise ConstructValidationError(
                "network.zone-slot", "az_slots",
                f"zone {zone!r} needs slot {slot} but only {props.az_slots} slot(s) are reserved; raise az_slots",
            )
    prefixes = {
        "public": props.public_prefix_length,
        "private": props.private_prefix_length,
        "isolated": props.isolated_prefix_length,
    }
    needed = sum(props.az_slots * 2 ** (32 - prefix) for prefix in prefixes.values())
    if needed > vpc.num_addresses:
        raise ConstructValidationError(
            "network.vpc-too-small", "cidr",
            f"{props.cidr} holds {vpc.num_addresses} addresses but {props.az_slots} slot(s) of "
            f"/{prefixes['public']} public, /{prefixes['private']} private and /{prefixes['isolated']} isolated "
            f"subnets need {needed}; use a larger VPC, longer prefix lengths or fewer az_slots",
        )
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


def _check_explicit(props: NetworkProps, zones: tuple[str, ...], cidrs: dict[SubnetTier, dict[str, str]]) -> None:
    vpc = ipaddress.IPv4Network(props.cidr)
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier in TIERS:
        if set(cidrs[tier]) != set(zones):
            raise ConstructValidationError(
                "network.subnet-zones", f"subnets.{tier}",
                f"names zones {sorted(cidrs[tier])} but the VPC uses {list(zones)}",
            )
        for zone, cidr in cidrs[tier].items():
            network = ipaddress.IPv4Network(cidr)
            field = f"subnets.{tier}.{zone}"
            if not network.subnet_of(vpc):
                raise ConstructValidationError("network.subnet-outside", field, f"{cidr} is outside the VPC {props.cidr}")
            for other_field, other in seen:
                if network.overlaps(other):
                    raise ConstructValidationError(
                        "network.subnet-overlap", field, f"{cidr} overlaps {other_field} ({other})"
                    )
            seen.append((field, network))
