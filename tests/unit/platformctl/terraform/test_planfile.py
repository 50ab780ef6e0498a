"""Reading where a saved plan writes, from plans the real Terraform CLI saves.

The stacks here use Terraform's built-in ``terraform_data`` resource and a local backend, so no
provider or AWS is needed; the S3 backend of the real stacks is read in the emulator tests
(tests/integration/platformctl/test_terraform_flow.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from platformctl.terraform.planfile import DEFAULT_WORKSPACE, PlanFileError, PlanTarget, read_target

pytestmark = [pytest.mark.terraform]


def _terraform(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    env.pop("TF_WORKSPACE", None)
    return subprocess.run(["terraform", f"-chdir={directory}", *args, "-no-color"], env=env, capture_output=True,
                          text=True, check=True)


def _saved_plan(directory: Path, state: Path, workspace: str | None = None) -> Path:
    directory.mkdir(parents=True)
    (directory / "main.tf.json").write_text(json.dumps({
        "terraform": {"backend": {"local": {"path": str(state)}}},
        "resource": {"terraform_data": {"marker": {"input": directory.name}}},
    }))
    _terraform(directory, "init", "-input=false")
    if workspace:
        _terraform(directory, "workspace", "new", workspace)
    plan = directory / "tfplan"
    _terraform(directory, "plan", "-input=false", f"-out={plan}")
    return plan


def test_the_backend_workspace_and_timestamp_of_a_saved_plan(tmp_path):
    plan = _saved_plan(tmp_path / "a", tmp_path / "a.tfstate")
    target = read_target(plan)
    assert (target.backend_type, target.config["path"], target.workspace) == ("local", str(tmp_path / "a.tfstate"),
                                                                             DEFAULT_WORKSPACE)
    assert target.timestamp == json.loads(_terraform(tmp_path / "a", "show", "-json", str(plan)).stdout)["timestamp"]


def test_a_plan_made_in_another_workspace_says_so(tmp_path):
    target = read_target(_saved_plan(tmp_path / "b", tmp_path / "b.tfstate", workspace="feature"))
    assert target.workspace == "feature"
    assert "workspace feature" in target.describe()


def test_terraform_applies_a_saved_plan_to_the_plans_backend_not_the_directorys(tmp_path):
    """Why the check exists: applied from another stack's directory, the plan still writes its own state."""
    plan = _saved_plan(tmp_path / "prod", tmp_path / "prod.tfstate")
    other = tmp_path / "dev"
    other.mkdir()
    (other / "main.tf.json").write_text(json.dumps({"terraform": {"backend": {"local": {
        "path": str(tmp_path / "dev.tfstate")}}}, "resource": {"terraform_data": {"marker": {"input": "dev"}}}}))
    _terraform(other, "init", "-input=false")
    _terraform(other, "apply", "-input=false", str(plan))
    assert (tmp_path / "prod.tfstate").is_file() and not (tmp_path / "dev.tfstate").exists()


@pytest.mark.parametrize(("backend", "config", "workspace", "expected"), [
    ("s3", {"bucket": "b", "key": "platform/dev/dev.tfstate"}, "default", None),
    ("s3", {"bucket": "b", "key": "platform/prod/prod.tfstate"}, "default",
     "it writes to s3://b/platform/prod/prod.tfstate (workspace default), not to s3://b/platform/dev/dev.tfstate"),
    ("s3", {"bucket": "other", "key": "platform/dev/dev.tfstate"}, "default", "it writes to s3://other/"),
    ("s3", {"bucket": "b", "key": "platform/dev/dev.tfstate"}, "feature", "(workspace feature), not to"),
    ("local", {"path": "/tmp/x.tfstate"}, "default", "it writes to local backend (workspace default)"),
])
def test_a_target_matches_only_the_same_bucket_key_and_default_workspace(backend, config, workspace, expected):
    mismatch = PlanTarget(backend, config, workspace, "t").mismatch("b", "platform/dev/dev.tfstate")
    assert mismatch == expected if expected is None else expected in mismatch


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_PLAN_FILES = [
    ("the plan JSON instead of the plan", lambda p: _write(p, b'{"format_version": "1.2"}'),
     "not a saved Terraform plan (not a zip archive)"),
    ("an empty file", lambda p: _write(p, b""), "not a saved Terraform plan"),
    ("a zip without tfplan", lambda p: _zip(p, {"tfstate": b"{}"}), "without a tfplan member"),
    ("a truncated tfplan", lambda p: _zip(p, {"tfplan": b"\x08\x03\x6a\x50\x0a"}), "cannot be decoded"),
    ("a tfplan without a backend", lambda p: _zip(p, {"tfplan": b"\x08\x03"}), "records no backend"),
    ("a directory", lambda p: p.mkdir() or p, "cannot read plan"),
    ("a missing file", lambda p: p, "cannot read plan"),
]


@pytest.mark.parametrize(("case", "make", "message"), BAD_PLAN_FILES, ids=[case[0] for case in BAD_PLAN_FILES])
def test_files_that_are_not_saved_plans_are_refused_with_the_reason(tmp_path, case, make, message):
    with pytest.raises(PlanFileError, match=re.escape(message)):
        read_target(make(tmp_path / "tfplan"))
