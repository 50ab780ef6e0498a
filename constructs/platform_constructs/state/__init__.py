"""The Terraform state backend."""
