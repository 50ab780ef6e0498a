"""The real cdktf CLI without AWS credentials: ``diff`` stops in seconds with guidance, ``synth`` needs none.

The machine's instance metadata endpoint stays enabled, as on a developer's or agent's machine:
the check gives it one second, where Terraform's provider waits half a minute or more.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from platformctl.credentials import HOW_TO_PROVIDE

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture
def no_credentials(tmp_path) -> dict[str, str]:
    """The environment of a user who has not set up AWS: no AWS_* variable, no AWS config or credentials file
    (and a synth cache of this test's own)."""
    if not CDKTF.exists():
        pytest.fail("node_modules/.bin/cdktf is missing: run `make install`")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    return {**env, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "CHECKPOINT_DISABLE": "1",
            "PATH": f"{CDKTF.parent}{os.pathsep}{env['PATH']}", "TF_CLI_CONFIG_FILE": str(tmp_path / "none.tfrc"),
            "PLATFORM_SYNTH_CACHE_DIR": str(tmp_path / "cache")}


def _cdktf(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([str(CDKTF), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                          timeout=600)
    return done, time.monotonic() - started


def test_cdktf_diff_without_credentials_stops_before_the_synth_with_guidance(no_credentials, tmp_path):
    done, seconds = _cdktf(no_credentials, "diff", "dev", "--output", str(tmp_path / "out"))
    output = ANSI.sub("", done.stdout + done.stderr)
    assert done.returncode != 0
    assert seconds < 30, f"cdktf diff took {seconds:.0f} s to refuse"
    assert "error: cdktf diff needs AWS credentials: no AWS credentials found" in output
    assert HOW_TO_PROVIDE.splitlines()[0] in output and 'eval "$(make -s local-env)"' in output
    assert "No valid credential sources found" not in output  # Terraform never ran
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_cdktf_synth_needs_no_credentials(no_credentials, tmp_path):
    done, _ = _cdktf(no_credentials, "synth", "--output", str(tmp_path / "out"))
    assert done.returncode == 0, ANSI.sub("", done.stdout + done.stderr)
    stacks = json.loads((tmp_path / "out" / "manifest.json").read_text())["stacks"]
    assert {"bootstrap", "shared", "dev", "dev-app-api"} <= set(stacks)
