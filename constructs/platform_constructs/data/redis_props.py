"""Props of the Redis/Valkey cache (ElastiCache)."""

from __future__ import annotations

from platform_constructs.props import Props


class RedisProps(Props):
    """Settings of the Redis/Valkey cache (ElastiCache); tier defaults live in ``config/presets/redis.toml``."""
