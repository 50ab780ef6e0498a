"""Props of the guardrail policy (rule packs and suppressions)."""

from __future__ import annotations

from platform_constructs.props import Props


class PolicyProps(Props):
    """Settings of the guardrail policy (rule packs and suppressions); tier defaults live in ``config/presets/policy.toml``."""
