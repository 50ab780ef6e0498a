"""The tiers an environment can declare, lowest first."""

from __future__ import annotations

from typing import Literal

Tier = Literal["dev", "staging", "prod"]
#: Every tier, from the least to the most protected.
TIERS: tuple[Tier, ...] = ("dev", "staging", "prod")


def tier_rank(tier: Tier) -> int:
    """Position of ``tier`` in :data:`TIERS`: a higher rank has stricter floors."""
    return TIERS.index(tier)
