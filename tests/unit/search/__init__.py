"""Tests of the search domain (OpenSearch); a package so its module names cannot collide with tests/unit/policy."""
