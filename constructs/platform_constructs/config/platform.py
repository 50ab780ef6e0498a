"""The validated configuration of the whole platform: the shared file plus every environment, and the account
registry they are bound to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from platform_constructs.config.accounts import AccountRegistry
from platform_constructs.config.schema import EnvironmentConfig, SharedConfig


@dataclass(frozen=True)
class Platform:
    """The shared configuration plus every environment, keyed by name, and the account registry."""

    shared: SharedConfig
    environments: dict[str, EnvironmentConfig]
    files: dict[str, str]
    """Configuration name → file it came from. While the rules judge a configuration with problems, it also
    names the environment files that did not load (an environment that exists, though nothing of it is known)."""
    accounts: AccountRegistry
    """Which account holds which environment, at which tier at least (``accounts.toml``)."""

    def configs(self) -> Iterator[tuple[str, EnvironmentConfig | SharedConfig]]:
        """``shared`` then the environments, in name order."""
        yield "shared", self.shared
        for name in sorted(self.environments):
            yield name, self.environments[name]

    def protected(self, name: str) -> bool:
        """Whether the plan guard protects configuration ``name``: its account is protected in the
        registry, or its file turns ``[plan_guard] protected`` on."""
        config = dict(self.configs())[name]
        entry = self.accounts.entry(config.aws.account_id)
        return config.plan_guard.protected or (entry is not None and entry.is_protected)
