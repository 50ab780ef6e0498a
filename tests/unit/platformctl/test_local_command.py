"""``platformctl local up|down|env`` runs the emulator as ``python -m local_aws`` and never imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.commands import local
from platformctl.exit_codes import ExitCode
from platformctl.main import build_parser, main

ROOT = Path(__file__).resolve().parents[3]


def _argv(*args: str) -> list[str]:
    parsed = build_parser().parse_args(["local", *args, "--root", str(ROOT)])
    from platformctl.project import Project

    return local.emulator_command(parsed, Project.at(ROOT))


def test_up_passes_the_environment_the_synth_dir_and_the_run_dir(monkeypatch):
    monkeypatch.delenv("PLATFORM_ENV", raising=False)
    assert _argv("up", "--env", "staging", "--synth-dir", "/tmp/out") == [
        sys.executable, "-m", "local_aws", "up", "--run-dir", str(ROOT / ".local-aws"), "--env", "staging",
        "--synth-dir", "/tmp/out"]
    assert _argv("up")[-2:] == ["--env", "dev"]
    monkeypatch.setenv("PLATFORM_ENV", "prod")
    assert _argv("up")[-2:] == ["--env", "prod"]
    assert _argv("down", "--run-dir", "/tmp/run") == \
        [sys.executable, "-m", "local_aws", "down", "--run-dir", "/tmp/run"]
    assert _argv("env", "--run-dir", "/tmp/run") == [sys.executable, "-m", "local_aws", "env", "--run-dir", "/tmp/run"]


def test_env_without_a_running_emulator_says_how_to_start_one(tmp_path, capfd):
    code = main(["local", "env", "--root", str(ROOT), "--run-dir", str(tmp_path / "run")])
    printed = capfd.readouterr()
    assert code == ExitCode.FAILED
    assert f"no local AWS emulator is running from {tmp_path / 'run'}: start it with `make deploy-local`" in printed.err
    assert "export" not in printed.out and "Traceback" not in printed.err


def test_a_missing_local_extra_is_named_with_how_to_install_it(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(local, "EMULATOR_REQUIREMENTS", ("local_aws", "no_such_emulator_package"))
    assert main(["local", "down", "--run-dir", "/tmp/never-created"]) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert "needs no_such_emulator_package, which is not installed" in err and "pip install -e '.[local]'" in err
    assert not Path("/tmp/never-created").exists()


def test_platformctl_never_imports_the_emulator():
    probe = ("import sys; from platformctl.main import build_parser; build_parser(); "
             "import platformctl.commands.local; sys.exit('local_aws' in sys.modules or 'moto' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=False).returncode == 0


def test_down_without_an_emulator_passes_the_childs_exit_code(tmp_path, capsys):
    code = main(["local", "down", "--root", str(ROOT), "--run-dir", str(tmp_path / "run")])
    assert code == ExitCode.OK


@pytest.mark.parametrize("env", ["", "   "])
def test_an_empty_env_is_refused(env, capsys):
    assert main(["local", "up", "--root", str(ROOT), "--env", env]) == ExitCode.USAGE
    assert "--env" in capsys.readouterr().err
