"""platformctl's command line: --help everywhere, the exit-code table, and clear refusals of bad input.

Bad input is refused before anything touches AWS or Terraform: the AWS endpoint points at a
closed local port, so a command that reached AWS would fail with exit 1 instead of 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from envfiles import copy_environments, set_value

from platformctl import exit_codes
from platformctl.exit_codes import ExitCode
from platformctl.main import build_parser, main

ROOT = Path(__file__).resolve().parents[3]
SUBCOMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001 - the parser's own table
DIGEST = "sha256:" + "a" * 64


@pytest.fixture(autouse=True)
def no_aws(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unused")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unused")
    monkeypatch.chdir(ROOT)


def test_every_operator_action_is_a_subcommand():
    assert set(SUBCOMMANDS) >= {"synth", "validate", "scan", "plan-guard", "plan", "deploy", "promote", "rollback",
                                "rollback-infra", "verify", "record-good", "report", "local"}


@pytest.mark.parametrize("command", [[name] for name in SUBCOMMANDS if name != "local"] + [["local", "up"],
                                                                                            ["local", "down"]],
                         ids=" ".join)
def test_every_subcommand_has_help_ending_with_the_one_exit_code_table(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0
    assert out.startswith(f"usage: platformctl {' '.join(command)}")
    assert out.rstrip().endswith(exit_codes.table())


@pytest.mark.parametrize(("argv", "message"), [
    ([], "the following arguments are required: COMMAND"),
    (["deploy", "--env", "dev"], "the following arguments are required: --stack"),
    (["depoly"], "invalid choice: 'depoly'"),
    (["verify", "--env", "dev", "--app", "api", "--observe", "-1"], "'-1': must not be negative"),
    (["verify", "--env", "dev", "--app", "api", "--rollout-timeout", "soon"], "'soon': must be a whole number"),
    (["verify", "--env", "dev", "--app", "api", "--interval", "0"], "'0': must be greater than 0"),
    (["verify", "--env", "dev", "--app", "api", "--smoke-attempts", "0"], "'0': must be a positive whole number"),
    (["deploy", "--env", "qa", "--stack", "qa"], "--env 'qa': no such environment; known: shared, dev, prod, staging"),
    (["promote", "--from", "dev", "--to", "qa", "--app", "api"], "--to 'qa': no such application environment"),
    (["verify", "--env", "dev", "--app", "billing"], "--app 'billing': not an application of dev; configured: api"),
    (["verify", "--env", "dev", "--app", "api", "--smoke-url", ""], "--smoke-url is empty"),
    (["verify", "--env", "dev", "--app", "api", "--smoke-url", "file:///etc/hostname"],
     "--smoke-url 'file:///etc/hostname': must be an http:// or https:// URL with a host"),
    (["verify", "--env", "dev", "--app", "api", "--smoke-url", "api.dev.example.com/healthz"],
     "--smoke-url 'api.dev.example.com/healthz': must be an http:// or https:// URL"),
    (["verify", "--env", "dev", "--app", "api", "--smoke-url", "https:///healthz"], "URL with a host"),
    (["record-good", "--env", "dev", "--app", "api", "--image", "api:3f2c1e0"],
     "'api:3f2c1e0' is not pinned by digest"),
    (["rollback", "--env", "prod", "--app", "api", "--to", "api:latest"], "--to 'api:latest' is not pinned by digest"),
    (["rollback", "--env", "prod", "--app", "api", "--to", f"elsewhere.io/api@{DIGEST}"],
     "takes images from 444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api only"),
    (["promote", "--from", "dev", "--to", "staging", "--app", "api", "--expect-image", "api"],
     "--expect-image 'api' is not pinned by digest"),
    (["promote", "--from", "dev", "--to", "dev", "--app", "api"], "--from and --to are both 'dev'"),
    (["plan", "--env", "prod", "--stack", "prod", "--allow", "aws_db_instance.main"],
     "--allow aws_db_instance.main needs --reason TEXT"),
    (["plan", "--env", "prod", "--stack", "prod", "--reason", "an orphan reason here"], "without --allow"),
    (["plan", "--env", "prod", "--stack", "prod", "--allow", "a.b", "--reason", "first reason text",
      "--reason", "second reason text"], "--reason given 2 times"),
    (["deploy", "--env", "dev", "--stack", "dev-app-api", "--plan", "tfplan", "--app", "api"],
     "--plan applies a saved plan as it is"),
    (["plan", "--env", "dev", "--stack", "dev", "--outdir", "/nonexistent/cdktf.out"],
     "manifest.json not found: run `platformctl synth` first"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_bad_input_exits_2_naming_the_option_and_value(argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as stopped:
        code = stopped.code
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert message in err and "Traceback" not in err


def test_invalid_environment_files_exit_2_listing_each_problem(tmp_path, monkeypatch, capsys):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "prod.toml", "network.az_count", 1)
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    assert main(["record-good", "--env", "prod", "--app", "api", "--image", f"api@{DIGEST}"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "prod.toml: network.az_count = 1: must be at least 3 in tier prod" in err and "Traceback" not in err


def test_commands_that_do_not_synthesize_never_import_cdktf_and_start_fast():
    probe = ("import sys, time; start = time.monotonic(); from platformctl.main import main; "
             "code = main(['image-repository', '--app', 'api']); "
             "assert code == 0, code; "
             "heavy = sorted(m for m in ('cdktf', 'jsii', 'constructs', 'boto3') if m in sys.modules); "
             "print('HEAVY', heavy, round(time.monotonic() - start, 2))")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    wall = time.monotonic() - started
    heavy = done.stdout.splitlines()[-1]
    assert heavy.startswith("HEAVY []"), heavy
    assert wall < 5, f"platformctl image-repository took {wall:.1f} s"


@pytest.mark.parametrize(("args", "message"), [
    (["--env", "prod", "--app", "nope"], "--app nope: prod has no application 'nope' (applications: api)"),
    (["--env", "qa", "--app", "api"], "--env 'qa': no such application environment; known: dev, prod, staging"),
    (["--env", "dev", "--app", "api", "--path", "healthz"], "--path: path 'healthz' must start with '/'"),
])
def test_app_url_refuses_what_has_no_address(args, message, capsys):
    assert main(["app-url", "--root", str(ROOT), *args]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_app_url_prints_the_entry_s_address_with_a_path(capsys):
    assert main(["app-url", "--root", str(ROOT), "--env", "prod", "--app", "api", "--path", "/healthz"]) == ExitCode.OK
    assert capsys.readouterr().out == "https://api.prod.acme.example/healthz\n"


def test_app_url_with_health_check_appends_the_path_the_load_balancer_checks(tmp_path, monkeypatch, capsys):
    """The readiness probe's path by default (dev's api), ``ingress.health_check_path`` where set."""
    assert main(["app-url", "--root", str(ROOT), "--env", "dev", "--app", "api", "--health-check"]) == ExitCode.OK
    assert capsys.readouterr().out == "https://api.dev.acme.example/ready\n"
    environments = copy_environments(tmp_path / "environments")
    for file in ("staging.toml", "prod.toml"):  # staging parity: both or neither
        set_value(environments, file, "apps.api.ingress.health_check_path", "/healthz")
        set_value(environments, file, "apps.api.ingress.sub_name", "shop")
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    assert main(["app-url", "--env", "staging", "--app", "api", "--health-check"]) == ExitCode.OK
    assert capsys.readouterr().out == "https://shop.staging.acme.example/healthz\n"


def test_app_url_of_an_application_without_an_entry_is_refused_saying_so(tmp_path, monkeypatch, capsys):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "apps.worker", {
        "image_repository": "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-worker",
        "readiness": {"http_get": "/ready"}, "liveness": {"http_get": "/healthz"}, "replicas": 1})
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    for extra in ([], ["--health-check"]):
        assert main(["app-url", "--env", "dev", "--app", "worker", *extra]) == ExitCode.USAGE
        captured = capsys.readouterr()
        assert captured.out == "" and "Traceback" not in captured.err
        assert "application 'worker' of dev has no HTTPS entry; add [apps.worker.ingress]" in captured.err
