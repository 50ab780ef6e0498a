"""Databases and caches."""
