"""Which synthesized stack belongs to which environment: read from the stack's own S3 backend key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.exit_codes import CliError, ExitCode
from platformctl.project import Project

ROOT = Path(__file__).resolve().parents[3]


def _backend(bucket: str, key: str) -> dict:
    return {"s3": {"bucket": bucket, "key": key, "region": "eu-west-1", "encrypt": True}}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    monkeypatch.delenv("PLATFORM_ENVIRONMENTS_DIR", raising=False)
    bucket = "acme-platform-tfstate-444444444444"
    stacks = {
        "dev": {"terraform": {"backend": _backend(bucket, "platform/dev/dev.tfstate")}},
        "dev-app-api": {"terraform": {"backend": _backend(bucket, "platform/dev/dev-app-api.tfstate")},
                     "variable": {"image_api": {"type": "string"}, "change_cause_api": {"type": "string"}}},
        "shared": {"terraform": {"backend": _backend(bucket, "platform/shared/shared.tfstate")}},
        "bootstrap": {"terraform": {"backend": {"local": {"path": "../../../.state/bootstrap.tfstate"}}}},
        "stray": {"terraform": {"backend": _backend("another-bucket", "platform/dev/stray.tfstate")}},
    }
    outdir = tmp_path / "cdktf.out"
    for name, document in stacks.items():
        (outdir / "stacks" / name).mkdir(parents=True)
        (outdir / "stacks" / name / "cdk.tf.json").write_text(json.dumps(document))
    (outdir / "manifest.json").write_text(json.dumps({"stacks": {name: {} for name in stacks}}))
    return Project.at(ROOT, outdir)


@pytest.mark.parametrize(("env", "stack", "variables"), [
    ("dev", "dev", set()),
    ("dev", "dev-app-api", {"image_api", "change_cause_api"}),
    ("shared", "shared", set()),
])
def test_a_stack_resolves_when_its_state_lives_under_the_environment(project, env, stack, variables):
    resolved = project.stack(env, stack)
    assert resolved.name == stack and resolved.config.name == env and resolved.variables == variables
    assert resolved.workdir.directory == project.outdir / "stacks" / stack
    assert resolved.state_key == f"platform/{env}/{stack}.tfstate"


@pytest.mark.parametrize(("env", "stack", "message"), [
    ("prod", "dev", "--stack 'dev' is not a stack of environment 'prod': its state is "
                    "s3://acme-platform-tfstate-444444444444/platform/dev/dev.tfstate, prod's stacks keep state under "
                    "s3://acme-platform-tfstate-444444444444/platform/prod/"),
    ("dev", "stray", "its state is s3://another-bucket/platform/dev/stray.tfstate"),
    ("shared", "bootstrap", "--stack 'bootstrap' keeps its state outside S3 (local)"),
    ("dev", "staging", "--stack 'staging': not in"),
    ("qa", "dev", "--env 'qa': no such environment"),
])
def test_a_stack_outside_the_environment_is_refused_with_both_locations(project, env, stack, message):
    with pytest.raises(CliError) as refused:
        project.stack(env, stack)
    assert refused.value.code == ExitCode.USAGE and message in refused.value.message


def test_outdir_and_environments_follow_the_same_variables_as_main_py(tmp_path, monkeypatch):
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "out"))
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(tmp_path / "envs"))
    project = Project.at(ROOT)
    assert (project.outdir, project.environments_dir) == (tmp_path / "out", tmp_path / "envs")
    assert Project.at(ROOT, tmp_path / "given").outdir == tmp_path / "given"
