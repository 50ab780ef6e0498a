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


#: Sections that identify an environment rather than shape it; staging parity ignores them.
PARITY_IGNORED_SECTIONS = frozenset({"name", "tier", "aws", "naming", "tags", "state", "policy"})


def _staging_matches_prod(platform: Platform) -> Iterable[tuple[str, Finding]]:
    """Staging runs what prod runs: same versions, engines and topology features.

    Only fields marked ``MAY_DIFFER`` (sizes, counts, durations, addresses) may differ.
    """
    from pydantic import BaseModel

    from platform_constructs.props import may_differ

    def differences(staging: BaseModel, prod: BaseModel, prefix: str) -> Iterable[Finding]:
        for name, info in type(staging).model_fields.items():
            if may_differ(info) or (not prefix and name in PARITY_IGNORED_SECTIONS):
                continue
            ours, theirs = getattr(staging, name), getattr(prod, name)
            if isinstance(ours, BaseModel) and isinstance(theirs, BaseModel):
                yield from differences(ours, theirs, f"{prefix}{name}.")
            elif ours != theirs:
                yield f"{prefix}{name}", ours, (
                    f"differs from prod ({theirs!r}); staging may differ from prod only in sizes and counts")

    prods = [env for env in platform.environments.values() if env.tier == "prod"]
    for staging in (env for env in platform.environments.values() if env.tier == "staging"):
        for prod in prods:
            for finding in differences(staging, prod, ""):
                yield staging.name, finding


#: Rules across all files.
PLATFORM_RULES: list[Callable[[Platform], Iterable[tuple[str, Finding]]]] = [
    _vpcs_do_not_overlap,
    _state_keys_are_unique,
    _state_buckets_agree,
    _state_in_bootstrap_region,
    _staging_matches_prod,
]


def _value_at(model: object, dotted: str) -> object:
    value = model
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value
