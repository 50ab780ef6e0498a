"""The README's quick start and its two walkthroughs, run verbatim in a fresh clone (``fresh_clone.sh``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("fresh_clone.sh")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_newcomer_follows_the_readme_in_a_fresh_clone():
    """Each README command exits 0 and prints what its step promises; the clone is the last commit."""
    result = subprocess.run([str(SCRIPT), str(ROOT)], capture_output=True, text=True, timeout=900, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("[")]
    ran = [line for line in steps if " exit 0 in " in line]
    assert {line.split("]")[0] for line in ran} == {"[quick-start", "[add-app", "[add-env"}
    skipped = [line.split("] skipped: ", 1)[1] for line in steps if line not in ran]
    assert [command.split()[:2] for command in skipped] == [["make", "test"], ["make", "e2e"]], steps
    assert "walkthrough: quick start, add-app and add-env passed" in result.stdout
