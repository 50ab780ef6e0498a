"""Props of the Kafka cluster (MSK)."""

from __future__ import annotations

from platform_constructs.props import Props


class KafkaProps(Props):
    """Settings of the Kafka cluster (MSK); tier defaults live in ``config/presets/kafka.toml``."""
