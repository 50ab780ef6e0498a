"""main.py / run_synth: exit codes, clear errors, and an all-or-nothing cdktf.out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value
from trees import tree_state

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def previous_output(tmp_path) -> Path:
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "dev").mkdir(parents=True)
    (outdir / "manifest.json").write_text('{"stacks": {"dev": {}}}')
    (outdir / "stacks" / "dev" / "cdk.tf.json").write_text('{"previous": true}')
    return outdir


def test_invalid_environment_exits_2_with_the_field_and_no_traceback(tmp_path, previous_output):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "prod.toml", "network.az_count", 1)
    before = tree_state(previous_output)
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "PLATFORM_ENVIRONMENTS_DIR": str(environments), "CDKTF_OUTDIR": str(previous_output)},
    )
    assert result.returncode == 2
    assert "prod.toml: network.az_count = 1: must be at least 3 in tier prod" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_state(previous_output) == before


def test_failed_synthesis_leaves_the_previous_output_untouched(platform, previous_output, monkeypatch):
    from platform_constructs import app
    from platform_constructs.errors import ConstructValidationError, Problem

    def failing_stack(scope, env, **_wiring):
        raise ConstructValidationError([Problem("test.failure", "network.cidr", env.network.cidr,
                                                "refused on purpose")])

    monkeypatch.setattr(app, "PlatformStack", failing_stack)
    before = tree_state(previous_output)
    with pytest.raises(ConstructValidationError):
        app.synthesize(platform, previous_output)
    assert tree_state(previous_output) == before
    assert not [p for p in previous_output.parent.iterdir() if p.name.startswith(".cdktf.out.")]


def test_successful_synthesis_replaces_stacks_and_keeps_terraform_caches(platform, previous_output):
    from platform_constructs.app import synthesize

    cache = previous_output / "stacks" / "dev" / ".terraform" / "marker"
    cache.parent.mkdir()
    cache.write_text("provider cache")
    (previous_output / "stacks" / "retired").mkdir()
    stacks = synthesize(platform, previous_output)
    assert "dev" in stacks
    assert '"previous"' not in (previous_output / "stacks" / "dev" / "cdk.tf.json").read_text()
    assert cache.read_text() == "provider cache"
    assert not (previous_output / "stacks" / "retired").exists()
