"""Releases of applications: apps-stack inputs, release records, image references, kubectl, health checks."""
