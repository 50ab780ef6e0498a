"""Terraform: CLI configuration and provider mirror, stack working directories, plan → guard → apply, state history."""
