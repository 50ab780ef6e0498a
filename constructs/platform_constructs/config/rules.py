"""Cross-field and cross-file rules that a single field's type cannot express.

Each rule is a small function returning ``(field, value, message)`` findings; the loader
runs all of them and reports every finding, never only the first.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platform_constructs.config.loader import Platform
    from platform_constructs.config.schema import EnvironmentConfig

Finding = tuple[str, object, str]


def _subnet_plan_fits(env: EnvironmentConfig) -> Iterable[Finding]:
    """The subnet plan must fit the VPC and the zones must fit the slots."""
    from platform_constructs.errors import ConstructValidationError
    from platform_constructs.network.subnet_plan import plan_subnets

    try:
        plan_subnets(env.network, env.aws.region)
    except ConstructValidationError as error:
        field = f"network.{error.field}"
        yield field, _value_at(env, field), error.message


#: Rules over one environment file (after its fields validated).
ENVIRONMENT_RULES: list[Callable[[EnvironmentConfig], Iterable[Finding]]] = [
    _subnet_plan_fits,
]


def _vpcs_do_not_overlap(platform: Platform) -> Iterable[tuple[str, Finding]]:
    """VPCs of different environments are routed together later (TGW, VPN): keep them disjoint."""
    envs = sorted(platform.environments.values(), key=lambda env: env.name)
    for index, env in enumerate(envs):
        for other in envs[index + 1:]:
            if ipaddress.IPv4Network(env.network.cidr).overlaps(ipaddress.IPv4Network(other.network.cidr)):
                yield env.name, ("network.cidr", env.network.cidr, f"overlaps the VPC of {other.name} ({other.network.cidr})")


def _state_keys_are_unique(platform: Platform) -> Iterable[tuple[str, Finding]]:
    """Two environments writing the same state objects would overwrite each other."""
    owners: dict[tuple[str, str], str] = {}
    for name, config in platform.configs():
        location = (config.state.bucket, config.state.key_prefix)
        if location in owners:
            yield name, ("state.key_prefix", config.state.key_prefix,
                         f"is already used by {owners[location]} in bucket {config.state.bucket}")
        owners.setdefault(location, name)


def _state_buckets_agree(platform: Platform) -> Iterable[tuple[str, Finding]]:
    """Files sharing a bucket must agree on its KMS alias; the bootstrap stack creates each bucket once."""
    aliases: dict[str, tuple[str, str]] = {}
    for name, config in platform.configs():
        first = aliases.setdefault(config.state.bucket, (name, config.state.kms_alias))
        if first[1] != config.state.kms_alias:
            yield name, ("state.kms_key_alias", config.state.kms_alias,
                         f"differs from {first[1]!r} used by {first[0]} for bucket {config.state.bucket}")


def _state_in_bootstrap_region(platform: Platform) -> Iterable[tuple[str, Finding]]:
    """The bootstrap stack creates every state bucket with the shared account's provider."""
    for name, config in platform.configs():
        if config.state.region != platform.shared.aws.region:
            yield name, ("state.region", config.state.region,
                         f"must be the shared (bootstrap) region {platform.shared.aws.region}")


#: Rules across all files.
PLATFORM_RULES: list[Callable[[Platform], Iterable[tuple[str, Finding]]]] = [
    _vpcs_do_not_overlap,
    _state_keys_are_unique,
    _state_buckets_agree,
    _state_in_bootstrap_region,
]


def _value_at(model: object, dotted: str) -> object:
    value = model
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value
