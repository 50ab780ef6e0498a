"""Encryption keys and access wiring shared by every construct."""
