"""What a newcomer sees from the real cdktf CLI (node_modules) and from `make synth`, with the README's settings.

- An invalid configuration is printed once, under `cdktf synth` (the README's export line sends the CLI's
  echo of the app's stderr to its log) and under `make synth`; the exit codes are those the README states,
  including the cdktf CLI's 1 for any failing app, which the project cannot change.
- No Node deprecation line: Node 22 warns about `util.isArray`, which cdktf's own JavaScript calls for every
  Terraform output; the app starts the jsii kernel with that one warning disabled.
- No `getaddrinfo ENOTFOUND checkpoint-api…`: the export line disables the CLI's version check.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from envfiles import copy_environments, delete_value
from snippets import marked_block

from platform_constructs._internal.node import KERNEL_DEPRECATIONS, without_kernel_deprecations
from platformctl.terraform.cli import write_cli_config

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PROBLEM = "prod.toml: network.cidr is absent: required in tier prod; set it in the environment file"
#: The README's blocks this module runs or compares (tests/snippets.py).
EXPORTS = "runs in tests/integration/test_cdktf_cli_output.py: its export line (the deploys need the AWS accounts)"
SYNTH_OUTPUT = "output compared in tests/integration/test_cdktf_cli_output.py"


def readme_exports() -> dict[str, str]:
    """The variables of the README's `export` line, ``$PWD`` and ``$PATH`` expanded as a shell in the
    repository would."""
    [line] = [line for line in marked_block(EXPORTS).text.splitlines() if line.startswith("export ")]
    shell_path = os.environ["PATH"].removeprefix(f"{NODE_BIN}{os.pathsep}")
    exports = {}
    for word in shlex.split(line)[1:]:
        name, _, value = word.partition("=")
        exports[name] = value.replace("$PWD", str(ROOT)).replace("$PATH", shell_path)
    return exports


@pytest.fixture
def shell(tmp_path) -> dict[str, str]:
    """A user's shell after the README's export line: no variable of the platform, the test run or cdktf's
    own, except that the CLI's log goes to a directory of this test (the README's is the repository's)."""
    if not (NODE_BIN / "cdktf").exists():
        pytest.fail("node_modules/.bin/cdktf is missing: run `make install`")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PLATFORM_", "CDKTF_", "PYTEST_", "NODE_", "CHECKPOINT_", "TF_"))}
    exports = readme_exports()
    write_cli_config(Path(exports["TF_CLI_CONFIG_FILE"]))  # what `make synth` writes before
    log = tmp_path / "cdktf-log"
    log.mkdir()  # what `make synth` creates before
    return {**env, **exports, "CDKTF_LOG_FILE_DIRECTORY": str(log), "PLATFORM_SYNTH_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def broken(tmp_path) -> Path:
    """The repository's environments with prod's VPC range left out (the README's example)."""
    directory = copy_environments(tmp_path / "environments")
    delete_value(directory, "prod.toml", "network.cidr")
    return directory


def run(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)
    return done.returncode, ANSI.sub("", done.stdout + done.stderr)


def test_the_export_line_sets_the_terraform_and_cdktf_settings():
    exports = readme_exports()
    assert set(exports) == {"PATH", "TF_CLI_CONFIG_FILE", "CHECKPOINT_DISABLE", "CDKTF_LOG_FILE_DIRECTORY"}
    assert exports["PATH"].startswith(f"{NODE_BIN}{os.pathsep}") and exports["CHECKPOINT_DISABLE"] == "1"
    assert exports["CDKTF_LOG_FILE_DIRECTORY"] == str(ROOT / ".cdktf-log")


def test_an_invalid_configuration_under_cdktf_synth_is_printed_once(shell, broken, tmp_path):
    code, output = run([str(NODE_BIN / "cdktf"), "synth", "--output", str(tmp_path / "out")],
                       {**shell, "PLATFORM_ENVIRONMENTS_DIR": str(broken)})
    assert code == 1, output  # the CLI's own code for any failing app
    assert output.count(PROBLEM) == 1, output
    assert "non-zero exit code 2" in output  # the app's code, in the CLI's summary
    assert "[ERROR]" not in output and "DEP0" not in output and "ENOTFOUND" not in output, output
    assert PROBLEM in (Path(shell["CDKTF_LOG_FILE_DIRECTORY"]) / "cdktf.log").read_text()
    shown = [line.rstrip() for line in output.replace(f"{broken.parent}/", "").splitlines()
             if line.strip() and not line.lstrip().startswith("⠋")]
    documented = [line for line in marked_block(SYNTH_OUTPUT).text.splitlines() if line.strip()]
    assert [line for line in shown if line in documented] == documented, output
    assert not (tmp_path / "out").exists()


def test_without_the_log_directory_the_cli_prints_the_app_s_stderr_twice(shell, broken, tmp_path):
    """Why the export line sets CDKTF_LOG_FILE_DIRECTORY: the CLI's echo as the chunk arrives, then its summary."""
    del shell["CDKTF_LOG_FILE_DIRECTORY"]
    code, output = run([str(NODE_BIN / "cdktf"), "synth", "--output", str(tmp_path / "out")],
                       {**shell, "PLATFORM_ENVIRONMENTS_DIR": str(broken)})
    assert code == 1
    assert output.count(PROBLEM) == 2, output
    assert output.count("[ERROR]") == 1, output  # the app's message arrives as one chunk, one log entry


def test_a_synth_under_cdktf_shows_no_deprecation_warning(shell, tmp_path):
    """A real synth of one environment, the jsii kernel running cdktf's TerraformOutput code."""
    code, output = run([str(NODE_BIN / "cdktf"), "synth", "--output", str(tmp_path / "out")],
                       {**shell, "PLATFORM_STACKS": "dev", "PLATFORM_SYNTH_CACHE": "off"})
    assert code == 0, output
    assert "synthesized: dev, dev-app-api" in output
    assert "DeprecationWarning" not in output and "[ERROR]" not in output and "ENOTFOUND" not in output, output
    assert (tmp_path / "out" / "stacks" / "dev" / "cdk.tf.json").is_file()


SYNTH_AN_OUTPUT = """
const { App, TerraformStack, TerraformOutput } = require("cdktf");
const app = new App({ outdir: process.argv[1] });
new TerraformOutput(new TerraformStack(app, "stack"), "out", { value: { zone: "eu-west-1a" } });
app.synth();
"""


@pytest.mark.parametrize(("node_options", "warns"), [("", True), (without_kernel_deprecations(""), False)],
                         ids=["plain Node 22", "the kernel's options"])
def test_node_22_warns_about_cdktf_s_util_is_array_unless_told_not_to(tmp_path, node_options, warns):
    """The source of the warning: cdktf's own TerraformOutput (the same 0.21 library the kernel loads)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NODE_")}
    done = subprocess.run([str(NODE_BIN / "node"), "-e", SYNTH_AN_OUTPUT, str(tmp_path / "out")], cwd=ROOT,
                          env={**env, "NODE_OPTIONS": node_options}, capture_output=True, text=True, check=True,
                          timeout=120)
    assert ("[DEP0044] DeprecationWarning: The `util.isArray` API is deprecated" in done.stderr) is warns, done.stderr
    assert list(KERNEL_DEPRECATIONS) == ["DEP0044"]


def test_make_synth_prints_the_problem_once_and_exits_2(broken, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PLATFORM_", "CDKTF_", "MAKE"))}
    # -o: take the installations as they are (a test never reinstalls the shared environments)
    code, output = run(["make", "-o", ".venv/bin/.installed", "-o", "node_modules/.installed", "synth"],
                       {**env, "PLATFORM_ENVIRONMENTS_DIR": str(broken), "CDKTF_OUTDIR": str(tmp_path / "out")})
    assert code == 2, output
    assert output.count(PROBLEM) == 1 and "error: invalid environment configuration (1 problem(s)):" in output
    assert re.search(r"make: \*\*\* \[Makefile:\d+: synth\] Error 2", output), output
    assert "Traceback" not in output and not (tmp_path / "out").exists()


def test_make_synth_needs_no_scanner_environment():
    planned = subprocess.run(["make", "-n", "-B", "synth"], cwd=ROOT, capture_output=True, text=True, check=True,
                             timeout=60).stdout
    assert "platformctl synth" in planned and "node_modules" not in planned.split("platformctl synth")[1]
    assert ".venv-tools" not in planned and "requirements-tools" not in planned and "checkov" not in planned
