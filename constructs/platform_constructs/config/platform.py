"""The validated configuration of the whole platform: the shared file plus every environment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from platform_constructs.config.schema import EnvironmentConfig, SharedConfig


@dataclass(frozen=True)
class Platform:
    """The shared configuration plus every environment, keyed by name."""

    shared: SharedConfig
    environments: dict[str, EnvironmentConfig]
    files: dict[str, str]
    """Configuration name → file it came from."""

    def configs(self) -> Iterator[tuple[str, EnvironmentConfig | SharedConfig]]:
        """``shared`` then the environments, in name order."""
        yield "shared", self.shared
        for name in sorted(self.environments):
            yield name, self.environments[name]
