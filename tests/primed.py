"""Synthesize a configuration once, in this process, to prime a synth cache for tests that copy it."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.synth import EXIT_OK, run_synth

ROOT = Path(__file__).resolve().parents[1]


def prime_synth(root: Path, environments: Path) -> Path:
    """Synthesize ``environments`` into ``root/cdktf.out`` with the cache ``root/cache``; returns ``root``.

    Cache keys name configuration files relative to their directory, so a copy of ``environments``
    elsewhere, with a copy of this cache, finds every stack in it.
    """
    monkeypatch = pytest.MonkeyPatch()
    try:
        monkeypatch.setenv("PLATFORM_SYNTH_CACHE_DIR", str(root / "cache"))
        monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
        monkeypatch.delenv("PLATFORM_STACKS", raising=False)
        assert run_synth(ROOT, str(root / "cdktf.out")) == EXIT_OK
    finally:
        monkeypatch.undo()
    return root
