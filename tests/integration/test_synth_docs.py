"""The README's synth commands, run as written in a scratch copy of the project.

The copy has the repository's environments, ``main.py``, ``cdktf.json`` and ``.venv``, and a synth
cache primed in this worker, so only ``--no-cache`` imports cdktf in its own process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- snippet: runs in tests/integration/test_synth_docs.py -->"
STACKS = ["bootstrap", "dev", "dev-app-api", "dev-cluster-config", "prod", "prod-app-api", "prod-cluster-config",
          "shared", "staging", "staging-app-api", "staging-cluster-config"]


def snippet_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme[readme.index(MARKER):], re.DOTALL)
    assert block is not None, "the README lost its synth snippet"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_snippet_is_there():
    commands = snippet_commands()
    assert len(commands) == 4 and all("synth" in command for command in commands)


@pytest.fixture(scope="module")
def scratch_project(tmp_path_factory, primed_synth) -> Path:
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "environments", project / "environments")
    for name in ("main.py", "cdktf.json"):
        shutil.copy(ROOT / name, project / name)
    (project / ".venv").symlink_to(ROOT / ".venv")
    shutil.copytree(primed_synth / "cache", project / ".cdktf-cache")
    shutil.copytree(primed_synth / "cdktf.out", project / "cdktf.out")
    return project


@pytest.mark.slow
@pytest.mark.parametrize("command", snippet_commands())
def test_each_readme_synth_command_runs_and_keeps_every_stack(scratch_project, tmp_path, command):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PLATFORM_", "CDKTF_"))}
    env.update(PATH=f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}",
               CHECKPOINT_DISABLE="1", TMPDIR=str(tmp_path))
    done = subprocess.run(["bash", "-c", command], cwd=scratch_project, env=env, capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(json.loads((scratch_project / "cdktf.out" / "manifest.json").read_text())["stacks"]) == STACKS
    assert sorted(path.name for path in (scratch_project / "cdktf.out" / "stacks").iterdir()) == STACKS
    # the synth's private temporary directory (and the jsii kernel's, inside it) is gone
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(("platform-synth-", "jsii-"))]


def test_make_clean_removes_the_output_the_cache_and_the_cdktf_log(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for directory in ("cdktf.out/stacks/dev", ".cdktf-cache", ".cdktf.out.abc123", "environments", ".cdktf-log"):
        (tmp_path / directory).mkdir(parents=True)
    (tmp_path / ".cdktf-log" / "cdktf.log").write_text("[ERROR] default - ...\n")
    done = subprocess.run(["make", "clean"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # the log directory stays: the cdktf CLI writes its log there only while it exists
    assert sorted(path.name for path in tmp_path.iterdir()) == [".cdktf-log", "Makefile", "environments"]
    assert list((tmp_path / ".cdktf-log").iterdir()) == []
