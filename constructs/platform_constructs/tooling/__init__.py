"""Operational tooling around the synthesized stacks (Terraform runs, checks); never imports cdktf."""
