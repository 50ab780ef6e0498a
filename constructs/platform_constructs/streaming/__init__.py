"""Event streaming (Kafka)."""
