"""Search domains (OpenSearch)."""
