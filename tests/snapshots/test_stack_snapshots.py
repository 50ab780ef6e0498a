"""One JSON snapshot per synthesized stack.

A change to any construct shows up here as a diff of the plan-relevant JSON; review it, then
accept it with ``.venv/bin/pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

import json

import pytest
from syrupy.extensions.json import JSONSnapshotExtension
from tfjson import strip_metadata

STACKS = ["bootstrap", "shared", "dev", "dev-apps", "staging", "staging-apps", "prod", "prod-apps"]


@pytest.fixture()
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_manifest_lists_exactly_the_snapshotted_stacks(synth_dir):
    assert sorted(json.loads((synth_dir / "manifest.json").read_text())["stacks"]) == sorted(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_stack_matches_snapshot(stack_json, snapshot_json, stack):
    assert strip_metadata(stack_json(stack)) == snapshot_json
