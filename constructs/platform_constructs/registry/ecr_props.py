"""Props of the container registries (ECR, shared stack)."""

from __future__ import annotations

from platform_constructs.props import Props


class RegistryProps(Props):
    """Settings of the container registries (ECR, shared stack); tier defaults live in ``config/presets/registry.toml``."""
