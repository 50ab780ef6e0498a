"""One exit-code table and one environment-variable table for every tool, documented once.

Every tool's documented codes must be rows of :class:`ExitCode`, and every code a tool returns
must be a member; the README shows both tables exactly as the code defines them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from local_aws import deploy as local_deploy
from platformctl import credentials, env_vars, exit_codes, synth
from platformctl.exit_codes import ExitCode
from platformctl.gates import checkov, plan_guard

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTED = {
    "main.py": (ROOT / "main.py").read_text(),
    "platformctl.gates.plan_guard": plan_guard.__doc__ or "",
    "platformctl.gates.checkov": checkov.__doc__ or "",
    "local_aws.deploy": local_deploy.__doc__ or "",
    "platformctl.credentials": credentials.__doc__ or "",
}


@pytest.mark.parametrize("tool", sorted(DOCUMENTED))
def test_every_tools_documented_codes_are_rows_of_the_one_table(tool):
    pairs = re.findall(r"\b(\d{1,3}) ([A-Z][A-Z_]{1,})\b", DOCUMENTED[tool])
    assert pairs, f"{tool} documents no exit code by name"
    for code, name in pairs:
        assert ExitCode[name] == int(code), f"{tool}: {code} {name} is not a row of ExitCode"


def test_every_code_the_tools_return_is_a_member_of_the_table():
    returned = [synth.EXIT_OK, synth.EXIT_SYNTH_FAILED, synth.EXIT_INVALID_CONFIG, synth.EXIT_INTERRUPTED,
                synth.EXIT_TERMINATED, local_deploy.EXIT_OK,
                local_deploy.EXIT_FAILED, local_deploy.EXIT_INVALID, local_deploy.EXIT_REPLAN_NOT_EMPTY]
    assert all(isinstance(code, ExitCode) for code in returned)
    assert len({code.value for code in ExitCode}) == len(ExitCode)  # no two names for one code


def test_a_missing_checkov_is_a_failed_step_not_a_refusal(monkeypatch):
    monkeypatch.setenv("PLATFORM_CHECKOV", "/nonexistent/checkov")
    with pytest.raises(checkov.GateError) as raised:
        checkov.checkov_executable(ROOT)
    assert raised.value.exit_code == ExitCode.FAILED


def test_the_emulators_help_ends_with_the_table(capsys):
    with pytest.raises(SystemExit):
        local_deploy.main(["up", "--help"])
    assert capsys.readouterr().out.rstrip().endswith(exit_codes.table())


def test_the_readme_shows_both_tables_as_defined():
    readme = (ROOT / "README.md").read_text()
    assert exit_codes.markdown_table() in readme
    assert env_vars.markdown_table() in readme


def test_every_variable_read_in_the_packages_is_in_the_table():
    """No module reads the shared variables behind the reader's back."""
    names = {variable.name for variable in env_vars.VARIABLES}
    offenders = []
    for path in (ROOT / "constructs").rglob("*.py"):
        if path.name == "env_vars.py":
            continue
        for name in re.findall(r"environ(?:\.get)?\(\s*[\"']([A-Z_]+)[\"']|environ\[[\"']([A-Z_]+)[\"']\]",
                               path.read_text()):
            read = next(part for part in name if part)
            if read in names:
                offenders.append(f"{path.relative_to(ROOT)} reads {read}")
    assert not offenders


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("x", "x")])
def test_a_variable_is_its_value_or_unset(value, expected):
    environ = {} if value is None else {"PLATFORM_ENV": value}
    assert env_vars.PLATFORM_ENV.read(environ) == expected


@pytest.mark.parametrize("variable", [v for v in env_vars.VARIABLES if v.empty_is_error], ids=lambda v: v.name)
def test_an_empty_variable_is_an_error_naming_it(variable):
    with pytest.raises(env_vars.EnvVarError, match=f"{variable.name} is set but empty"):
        variable.read({variable.name: " "})


def test_informational_build_labels_treat_empty_as_unset():
    assert env_vars.BUILD_TAG.read({"BUILD_TAG": ""}) is None


def test_terraform_never_inherits_a_workspace(monkeypatch):
    monkeypatch.setenv("TF_WORKSPACE", "feature")
    monkeypatch.setenv("TF_DATA_DIR", "/tmp/elsewhere")
    env = env_vars.terraform_environment({"TF_INPUT": "0"})
    assert "TF_WORKSPACE" not in env and "TF_DATA_DIR" not in env and env["TF_INPUT"] == "0"
