"""Props of the EKS cluster."""

from __future__ import annotations

from platform_constructs.props import Props


class EksProps(Props):
    """Settings of the EKS cluster; tier defaults live in ``config/presets/eks.toml``."""
