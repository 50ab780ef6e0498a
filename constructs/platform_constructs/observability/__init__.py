"""Logging and monitoring building blocks."""
