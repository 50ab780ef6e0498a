"""Props of the rolling-deployment preset of the environment's workloads."""

from __future__ import annotations

from platform_constructs.props import Props


class RolloutProps(Props):
    """Settings of the rolling-deployment preset of the environment's workloads; tier defaults live in ``config/presets/rollout.toml``."""
