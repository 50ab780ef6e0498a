"""Fixtures of the integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from primed import ROOT, prime_synth


@pytest.fixture(scope="session")
def primed_synth(tmp_path_factory) -> Path:
    """``cdktf.out`` and ``cache`` of one full synth of the repository's environments."""
    return prime_synth(tmp_path_factory.mktemp("primed"), ROOT / "environments")
