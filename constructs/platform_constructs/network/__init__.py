"""VPC and subnet layout."""
