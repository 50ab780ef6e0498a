"""The Terraform command lines of one stack directory, and the runner that runs or only shows them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from platformctl.process import Command, CommandFailed, CommandRunner
from platformctl.terraform.workdir import StackWorkdir


@pytest.fixture
def workdir(tmp_path) -> StackWorkdir:
    (tmp_path / "stacks" / "prod").mkdir(parents=True)
    return StackWorkdir(tmp_path / "stacks" / "prod", tmp_path / "platform.tfrc")


def test_terraform_commands(workdir):
    plan = workdir.default_plan
    chdir = f"-chdir={workdir.directory}"
    assert list(workdir.init().argv) == ["terraform", chdir, "init", "-input=false", "-no-color"]
    assert list(workdir.plan(plan, {"image_api": "r@sha256:x", "change_cause_api": "abc"}).argv) == [
        "terraform", chdir, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=120s",
        f"-out={plan}", "-var=change_cause_api=abc", "-var=image_api=r@sha256:x"]
    assert "-lock=false" in workdir.plan(plan, {}, lock=False).argv  # a read-only plan takes no lock
    assert list(workdir.show_json(plan).argv) == ["terraform", chdir, "show", "-json", "-no-color", str(plan)]
    assert list(workdir.apply(plan).argv) == ["terraform", chdir, "apply", "-input=false", "-no-color",
                                              "-lock-timeout=120s", str(plan)]
    assert list(workdir.state_push(Path("/tmp/s.tfstate")).argv) == [
        "terraform", chdir, "state", "push", "-lock-timeout=120s", "/tmp/s.tfstate"]
    assert list(workdir.output_json().argv) == ["terraform", chdir, "output", "-json", "-no-color"]


def test_terraform_runs_with_the_cli_config_and_without_prompts(workdir):
    env = workdir.init().env
    assert env["TF_CLI_CONFIG_FILE"] == str(workdir.cli_config)
    assert env["TF_INPUT"] == "0" and env["TF_IN_AUTOMATION"] == "1"


def test_dry_run_shows_the_command_and_runs_nothing(tmp_path):
    out = io.StringIO()
    marker = tmp_path / "ran"
    assert CommandRunner(dry_run=True, out=out).run(Command(("touch", str(marker)))) is None
    assert out.getvalue() == f"would run: touch {marker}\n" and not marker.exists()


def test_a_real_run_echoes_then_runs(tmp_path):
    out = io.StringIO()
    result = CommandRunner(out=out).run(Command((sys.executable, "-c", "print('hi')")), capture=True)
    assert result.stdout == "hi\n" and out.getvalue().startswith("+ ")


@pytest.mark.parametrize(("argv", "code", "fragment"), [
    ((sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"), 3, "boom"),
    (("no-such-binary-for-platformctl",), 127, "not found on PATH"),
])
def test_failures_carry_the_exit_code_and_the_output_tail(argv, code, fragment):
    with pytest.raises(CommandFailed) as failed:
        CommandRunner(out=io.StringIO()).run(Command(argv), capture=True)
    assert failed.value.returncode == code and fragment in str(failed.value)


def test_accepted_exit_codes_are_not_failures():
    result = CommandRunner(out=io.StringIO()).run(Command((sys.executable, "-c", "raise SystemExit(2)")),
                                                  ok_codes=(0, 2))
    assert result.returncode == 2
