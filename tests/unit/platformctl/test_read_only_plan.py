"""A branch build's plan (`plan --read-only`): the target's planner role, and no state lock.

Shown with --dry-run on the session's synth: the Terraform command lines a branch build would run.
The planner role can read the state but not write the S3 lock object, so the plan must not lock;
the role is passed as the stacks' ``platform_role_arn`` variable, which their providers assume.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.exit_codes import ExitCode
from platformctl.main import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def no_aws(monkeypatch, synth_dir):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unused")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unused")
    monkeypatch.setenv("CDKTF_OUTDIR", str(synth_dir))
    monkeypatch.chdir(ROOT)


def _plan_line(capsys) -> str:
    [line] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("would run: terraform") and " plan " in line]
    return line


@pytest.mark.parametrize("target", ["prod", "shared"])
def test_a_read_only_plan_uses_the_planner_role_and_takes_no_lock(target, platform, capsys):
    account = dict(platform.configs())[target].aws.account_id
    assert main(["plan", "--env", target, "--stack", target, "--read-only", "--dry-run"]) == ExitCode.OK
    line = _plan_line(capsys)
    assert "-lock=false" in line and "-lock-timeout" not in line
    assert f"-var=platform_role_arn=arn:aws:iam::{account}:role/acme-{target}-ci-planner" in line


def test_a_plan_of_the_main_branch_locks_and_uses_the_deploy_role(capsys):
    assert main(["plan", "--env", "prod", "--stack", "prod", "--dry-run"]) == ExitCode.OK
    line = _plan_line(capsys)
    assert "-lock-timeout=120s" in line and "-lock=false" not in line and "platform_role_arn" not in line
