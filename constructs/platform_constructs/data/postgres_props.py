"""Props of the PostgreSQL database (RDS)."""

from __future__ import annotations

from platform_constructs.props import Props


class PostgresProps(Props):
    """Settings of the PostgreSQL database (RDS); tier defaults live in ``config/presets/postgres.toml``."""
