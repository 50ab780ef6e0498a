"""Props of the monitoring (alarm topic and alarm packs)."""

from __future__ import annotations

from platform_constructs.props import Props


class MonitoringProps(Props):
    """Settings of the monitoring (alarm topic and alarm packs); tier defaults live in ``config/presets/monitoring.toml``."""
