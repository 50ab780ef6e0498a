"""One JSON snapshot per synthesized stack.

A change to any construct shows up here as a diff of the plan-relevant JSON; review it, then
accept it with ``.venv/bin/pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.extensions.json import JSONSnapshotExtension
from tfjson import strip_metadata

from platform_constructs.config.loader import load_platform
from platform_constructs.stacks.names import stack_owners

ROOT = Path(__file__).resolve().parents[2]
#: Every stack the repository's environments synthesize, from the one function that names them: a new
#: environment or application gets its snapshot, and the manifest test below checks that function
#: against what the synth wrote.
STACKS = sorted(stack_owners(load_platform(ROOT / "environments")))


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_manifest_lists_exactly_the_snapshotted_stacks(synth_dir):
    assert len(STACKS) == 11  # bootstrap, shared; per environment its platform, cluster configuration and api
    assert sorted(json.loads((synth_dir / "manifest.json").read_text())["stacks"]) == sorted(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_stack_matches_snapshot(stack_json, snapshot_json, stack):
    assert strip_metadata(stack_json(stack)) == snapshot_json
