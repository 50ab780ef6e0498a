"""A handful of adversarial cases through real processes: ``main.py`` (what ``cdktf synth`` runs), the
``platformctl`` console entry and the ``python -m`` aliases. The exit code and stderr are what a
pipeline sees; none of these processes imports cdktf, because each input is refused first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from adversarial.harness import ROOT, digest
from envfiles import copy_environments, set_value

from platformctl.exit_codes import ExitCode


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                          check=False, timeout=120)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


@pytest.mark.parametrize(("case", "edit", "named"), [
    ("prod downgraded to dev", lambda d: set_value(d, "prod.toml", "tier", "dev"), 'prod.toml: tier = "dev"'),
    ("an environment named bootstrap", lambda d: (d / "bootstrap.toml").write_text((d / "dev.toml").read_text()),
     'bootstrap.toml: name = "bootstrap": collides with the "bootstrap" stack'),
    ("a file that is not UTF-8", lambda d: (d / "dev.toml").write_bytes(b"name = '\xff'\n"),
     "dev.toml: <file>: is not UTF-8 text"),
], ids=["prod downgraded to dev", "an environment named bootstrap", "a file that is not UTF-8"])
def test_main_py_refuses_and_keeps_the_previous_output(tmp_path, case, edit, named):
    environments = copy_environments(tmp_path / "environments")
    edit(environments)
    previous = tmp_path / "cdktf.out"
    (previous / "stacks" / "prod").mkdir(parents=True)
    (previous / "stacks" / "prod" / "cdk.tf.json").write_text('{"previous": true}')
    before = digest(previous)
    done = _run(["main.py"], PLATFORM_ENVIRONMENTS_DIR=str(environments), CDKTF_OUTDIR=str(previous))
    assert done.returncode == ExitCode.USAGE and named in done.stderr, done.stderr
    assert digest(previous) == before


def test_plan_guard_refuses_a_binary_plan_through_the_console_entry(tmp_path):
    plan = tmp_path / "tfplan"
    plan.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    done = _run(["-m", "platformctl", "plan-guard", str(plan), "--env", "prod"])
    assert done.returncode == ExitCode.USAGE and "saved plan file (a zip archive), not its JSON" in done.stderr


def test_the_module_alias_refuses_a_destructive_prod_plan_with_3(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "planned_values": {}, "resource_changes": [
        {"address": "aws_eks_cluster.main", "type": "aws_eks_cluster", "change": {"actions": ["delete"]}}]}))
    done = _run(["-m", "platformctl.gates.plan_guard", str(plan), "--env", "prod"])
    assert done.returncode == ExitCode.REFUSED and "aws_eks_cluster.main: delete" in done.stdout


@pytest.mark.parametrize("argv", [["-m", "platformctl", "local", "up"], ["-m", "local_aws", "up"]],
                         ids=["platformctl local up", "python -m local_aws up"])
def test_an_empty_platform_env_is_an_error_for_the_emulator(tmp_path, argv):
    done = _run([*argv, "--run-dir", str(tmp_path / "run")], PLATFORM_ENV="")
    assert done.returncode == ExitCode.USAGE and "PLATFORM_ENV is set but empty" in done.stderr
    assert not (tmp_path / "run").exists()


def test_the_report_alias_prints_the_report():
    done = _run(["-m", "platformctl.report"])
    assert done.returncode == ExitCode.OK and done.stdout.startswith("# Environment report")


def test_the_adversarial_tables_hold_at_least_200_cases():
    from adversarial import test_cli, test_configuration, test_plan_guard_inputs, test_skips_file

    tables = [test_configuration.CASES, test_plan_guard_inputs.UNUSABLE, test_plan_guard_inputs.REFUSED,
              test_plan_guard_inputs.ARGUMENTS, test_skips_file.CASES, test_cli.CASES, test_cli.BROKEN_OUTPUT]
    assert all(tables) and sum(len(table) for table in tables) >= 200
