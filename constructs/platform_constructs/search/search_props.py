"""Props of the search domain (OpenSearch)."""

from __future__ import annotations

from platform_constructs.props import Props


class SearchProps(Props):
    """Settings of the search domain (OpenSearch); tier defaults live in ``config/presets/search.toml``."""
