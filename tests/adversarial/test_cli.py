"""Adversarial command lines: empty environment variables, plans for another target, broken synth output.

Each case runs ``platformctl`` in-process against a previously synthesized output (a manifest
and each stack's backend) and saved plan files encoded as Terraform writes them. AWS points at a
closed port: a case that reached AWS would end with exit 1, not the code it asserts. The
synthesized output must be unchanged afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from adversarial.harness import ROOT, assert_refused, digest, previous_output, run_platformctl, saved_plan

from platformctl.exit_codes import ExitCode

BUCKET = "acme-platform-tfstate-444444444444"


def key(env: str, stack: str) -> str:
    return f"platform/{env}/{stack}.tfstate"


# (case, environment variables, command line with {outdir}/{plan}/{file} placeholders, exit code, fragments)
CASES: list[tuple[str, dict[str, str], list[str], ExitCode, tuple[str, ...]]] = [
    # environment variables set but empty: a missing pipeline parameter, never a silent default
    ("empty PLATFORM_ENVIRONMENTS_DIR", {"PLATFORM_ENVIRONMENTS_DIR": ""}, ["report"], ExitCode.USAGE,
     ("PLATFORM_ENVIRONMENTS_DIR is set but empty",)),
    ("blank PLATFORM_ENVIRONMENTS_DIR for synth", {"PLATFORM_ENVIRONMENTS_DIR": "  "}, ["synth"], ExitCode.USAGE,
     ("PLATFORM_ENVIRONMENTS_DIR is set but empty",)),
    ("empty CDKTF_OUTDIR", {"CDKTF_OUTDIR": ""}, ["validate"], ExitCode.USAGE, ("CDKTF_OUTDIR is set but empty",)),
    ("empty TF_CLI_CONFIG_FILE", {"TF_CLI_CONFIG_FILE": ""}, ["deploy", "--env", "dev", "--stack", "dev",
                                                               "--outdir", "{outdir}"],
     ExitCode.USAGE, ("TF_CLI_CONFIG_FILE is set but empty",)),
    ("empty PLATFORM_TF_PROVIDER_MIRROR", {"PLATFORM_TF_PROVIDER_MIRROR": ""},
     ["plan", "--env", "dev", "--stack", "dev", "--outdir", "{outdir}"], ExitCode.USAGE,
     ("PLATFORM_TF_PROVIDER_MIRROR is set but empty",)),
    ("a provider mirror that is a file", {"PLATFORM_TF_PROVIDER_MIRROR": "{file}"},
     ["plan", "--env", "dev", "--stack", "dev", "--outdir", "{outdir}"], ExitCode.USAGE,
     ("PLATFORM_TF_PROVIDER_MIRROR=", "tfplan.json: not a directory", "or to 'none'")),
    ("a provider mirror that does not exist", {"PLATFORM_TF_PROVIDER_MIRROR": "{missing}"},
     ["validate", "--outdir", "{outdir}"], ExitCode.USAGE, ("missing: no such directory",)),
    ("empty PLATFORM_CHECKOV", {"PLATFORM_CHECKOV": ""}, ["scan", "--outdir", "{outdir}"], ExitCode.USAGE,
     ("PLATFORM_CHECKOV is set but empty",)),
    ("empty PLATFORM_ENV for the emulator", {"PLATFORM_ENV": ""}, ["local", "up"], ExitCode.USAGE,
     ("PLATFORM_ENV is set but empty", "unset means dev")),
    ("blank PLATFORM_ENV for the emulator", {"PLATFORM_ENV": " \t"}, ["local", "up"], ExitCode.USAGE,
     ("PLATFORM_ENV is set but empty",)),
    ("an empty --env for the emulator", {}, ["local", "up", "--env", ""], ExitCode.USAGE, ("--env ''",)),
    # synth's selection and cache settings, refused before anything is read from the cache or built
    ("empty PLATFORM_STACKS", {"PLATFORM_STACKS": ""}, ["synth", "--outdir", "{outdir}"], ExitCode.USAGE,
     ("PLATFORM_STACKS is set but empty", "unset means every stack")),
    ("PLATFORM_STACKS of commas only", {"PLATFORM_STACKS": " , ,"}, ["synth", "--outdir", "{outdir}"],
     ExitCode.USAGE, ("PLATFORM_STACKS is set but names no stack",)),
    ("PLATFORM_SYNTH_CACHE neither on nor off", {"PLATFORM_SYNTH_CACHE": "no"}, ["synth", "--outdir", "{outdir}"],
     ExitCode.USAGE, ("PLATFORM_SYNTH_CACHE='no': must be 'on' or 'off'",)),
    ("empty PLATFORM_SYNTH_CACHE_DIR", {"PLATFORM_SYNTH_CACHE_DIR": ""}, ["synth", "--outdir", "{outdir}"],
     ExitCode.USAGE, ("PLATFORM_SYNTH_CACHE_DIR is set but empty",)),
    ("PLATFORM_SYNTH_CACHE_MAX_MB of 0", {"PLATFORM_SYNTH_CACHE_MAX_MB": "0"}, ["synth", "--outdir", "{outdir}"],
     ExitCode.USAGE, ("PLATFORM_SYNTH_CACHE_MAX_MB='0': must be a whole number of megabytes, at least 1",)),
    ("PLATFORM_SYNTH_CACHE_MAX_MB not a number", {"PLATFORM_SYNTH_CACHE_MAX_MB": "1.5"},
     ["synth", "--outdir", "{outdir}"], ExitCode.USAGE, ("PLATFORM_SYNTH_CACHE_MAX_MB='1.5'",)),
    ("no action for local", {}, ["local"], ExitCode.USAGE, ("the following arguments are required: ACTION",)),
    # a saved plan must be a plan of this very stack's state
    ("prod's plan applied as dev", {}, ["deploy", "--env", "dev", "--stack", "dev", "--plan", "{plan:prod/prod}",
                                        "--outdir", "{outdir}"],
     ExitCode.REFUSED, (f"it writes to s3://{BUCKET}/{key('prod', 'prod')} (workspace default), not to "
                        f"s3://{BUCKET}/{key('dev', 'dev')}", "nothing was applied")),
    ("prod's plan applied as dev, in a dry run", {}, ["deploy", "--env", "dev", "--stack", "dev", "--dry-run",
                                                      "--plan", "{plan:prod/prod}", "--outdir", "{outdir}"],
     ExitCode.REFUSED, ("is not a plan of stack dev in dev",)),
    ("dev's plan applied as prod", {}, ["deploy", "--env", "prod", "--stack", "prod", "--plan", "{plan:dev/dev}",
                                        "--outdir", "{outdir}"], ExitCode.REFUSED, ("is not a plan of stack prod",)),
    ("prod's plan applied as shared", {}, ["deploy", "--env", "shared", "--stack", "shared", "--plan",
                                           "{plan:prod/prod}", "--outdir", "{outdir}"],
     ExitCode.REFUSED, ("is not a plan of stack shared in shared",)),
    ("the platform stack's plan applied as an application's stack", {},
     ["deploy", "--env", "dev", "--stack", "dev-app-api", "--plan", "{plan:dev/dev}", "--outdir", "{outdir}"],
     ExitCode.REFUSED, (f"not to s3://{BUCKET}/{key('dev', 'dev-app-api')}",)),
    ("a plan made in another workspace", {}, ["deploy", "--env", "dev", "--stack", "dev", "--plan",
                                              "{plan:dev/dev@feature}", "--outdir", "{outdir}"],
     ExitCode.REFUSED, ("(workspace feature), not to",)),
    ("a plan with a local backend", {}, ["deploy", "--env", "dev", "--stack", "dev", "--plan", "{plan:local}",
                                         "--outdir", "{outdir}"], ExitCode.REFUSED, ("it writes to local backend",)),
    ("a plan of another bucket", {}, ["deploy", "--env", "dev", "--stack", "dev", "--plan", "{plan:other/dev/dev}",
                                      "--outdir", "{outdir}"], ExitCode.REFUSED, ("it writes to s3://other-bucket/",)),
    ("the plan JSON instead of the plan", {}, ["deploy", "--env", "dev", "--stack", "dev", "--plan", "{json}",
                                               "--outdir", "{outdir}"],
     ExitCode.USAGE, ("--plan:", "is not a saved Terraform plan (not a zip archive)")),
    ("a plan file that does not exist", {}, ["deploy", "--env", "dev", "--stack", "dev", "--plan", "{missing}",
                                             "--outdir", "{outdir}"], ExitCode.USAGE, ("no such file",)),
    # stacks and environments that do not belong together
    ("prod's stack as dev's", {}, ["deploy", "--env", "dev", "--stack", "prod", "--outdir", "{outdir}"],
     ExitCode.USAGE, ("--stack 'prod' is not a stack of environment 'dev'",)),
    ("the bootstrap stack through platformctl", {}, ["plan", "--env", "shared", "--stack", "bootstrap",
                                                     "--outdir", "{outdir}"],
     ExitCode.USAGE, ("keeps its state outside S3",)),
    ("an unknown environment", {}, ["plan", "--env", "qa", "--stack", "qa", "--outdir", "{outdir}"], ExitCode.USAGE,
     ("--env 'qa': no such environment",)),
    ("an unknown stack", {}, ["validate", "--stack", "nope", "--outdir", "{outdir}"], ExitCode.USAGE,
     ("--stack nope: not synthesized",)),
    ("promotion that skips staging", {}, ["promote", "--from", "dev", "--to", "prod", "--app", "api"],
     ExitCode.REFUSED, ("prod takes promotions from staging only",)),
    # one override grammar on every command that changes something
    ("rollback-infra: an allow without a reason", {}, ["rollback-infra", "--env", "prod", "--stack", "prod",
                                                       "--to-version", "v1", "--allow", "aws_s3_bucket.data",
                                                       "--outdir", "{outdir}"],
     ExitCode.USAGE, ("--allow aws_s3_bucket.data needs --reason TEXT",)),
    ("promote: a reason without an allow", {}, ["promote", "--from", "dev", "--to", "staging", "--app", "api",
                                                "--reason", "nothing to allow but a reason"],
     ExitCode.USAGE, ("without --allow",)),
    ("rollback: a reason too short", {}, ["rollback", "--env", "prod", "--app", "api", "--allow", "a.b",
                                          "--reason", "short"], ExitCode.USAGE, ("at least 10 characters",)),
    ("deploy: a comma list and two reasons", {}, ["deploy", "--env", "dev", "--stack", "dev", "--allow", "a.b,c.d",
                                                  "--reason", "first long reason", "--reason", "second long reason",
                                                  "--outdir", "{outdir}"],
     ExitCode.USAGE, ("--reason given 2 times",)),
    # configuration and synthesized output that cannot be read
    ("a repository root without configuration", {}, ["report", "--root", "{missing}"], ExitCode.USAGE,
     ("<directory>: does not exist",)),
]

BROKEN_OUTPUT = [
    ("manifest.json not JSON", "manifest.json", "{not json", "cannot be read as JSON"),
    ("manifest.json a list", "manifest.json", "[]", "is not a JSON object"),
    ("manifest.json stacks as a list", "manifest.json", '{"stacks": ["dev"]}', "lists no stacks"),
    ("a stack's cdk.tf.json not JSON", "stacks/dev/cdk.tf.json", "{", "cannot be read as JSON"),
    ("a stack's cdk.tf.json a list", "stacks/dev/cdk.tf.json", "[1]", "is not a JSON object"),
]


@pytest.fixture
def inputs(tmp_path: Path, platform, monkeypatch) -> dict[str, str]:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unused")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unused")
    for variable in ("PLATFORM_ENVIRONMENTS_DIR", "CDKTF_OUTDIR", "TF_CLI_CONFIG_FILE", "PLATFORM_TF_PROVIDER_MIRROR",
                     "PLATFORM_CHECKOV", "PLATFORM_ENV", "TF_WORKSPACE", "PLATFORM_STACKS", "PLATFORM_SYNTH_CACHE",
                     "PLATFORM_SYNTH_CACHE_DIR", "PLATFORM_SYNTH_CACHE_MAX_MB"):
        monkeypatch.delenv(variable, raising=False)
    plans = tmp_path / "plans"
    plans.mkdir()
    values = {"outdir": str(previous_output(tmp_path / "cdktf.out", platform)), "missing": str(tmp_path / "missing"),
              "json": str(plans / "tfplan.json"), "file": str(plans / "tfplan.json")}
    (plans / "tfplan.json").write_text('{"format_version": "1.2"}')
    for name, (bucket, env, stack, workspace, backend) in {
        "prod/prod": (BUCKET, "prod", "prod", "default", "s3"),
        "dev/dev": (BUCKET, "dev", "dev", "default", "s3"),
        "dev/dev@feature": (BUCKET, "dev", "dev", "feature", "s3"),
        "other/dev/dev": ("other-bucket", "dev", "dev", "default", "s3"),
        "local": ("", "dev", "dev", "default", "local"),
    }.items():
        values[f"plan:{name}"] = str(saved_plan(plans / name.replace("/", "_"), bucket=bucket, key=key(env, stack),
                                                workspace=workspace, backend=backend))
    return values


def _filled(text: str, values: dict[str, str]) -> str:
    return values.get(text[1:-1], text) if text.startswith("{") and text.endswith("}") else text


@pytest.mark.parametrize(("case", "env", "argv", "code", "fragments"), CASES, ids=[case[0] for case in CASES])
def test_refused_with_the_documented_code_and_nothing_changed(inputs, monkeypatch, capsys, case, env, argv, code,
                                                             fragments):
    for name, value in env.items():
        monkeypatch.setenv(name, _filled(value, inputs))
    before = digest(Path(inputs["outdir"]))
    assert_refused(run_platformctl([_filled(arg, inputs) for arg in argv], capsys), code, *fragments)
    assert digest(Path(inputs["outdir"])) == before


@pytest.mark.parametrize(("case", "file", "content", "fragment"), BROKEN_OUTPUT, ids=[c[0] for c in BROKEN_OUTPUT])
def test_broken_synthesized_output_exits_2_naming_the_file(inputs, capsys, case, file, content, fragment):
    path = Path(inputs["outdir"]) / file
    path.write_text(content)
    outcome = run_platformctl(["plan", "--env", "dev", "--stack", "dev", "--outdir", inputs["outdir"]], capsys)
    assert_refused(outcome, ExitCode.USAGE, str(path), fragment)


def test_every_refusal_above_happens_before_aws_or_terraform(inputs, capsys):
    """Control: with a matching plan the same command goes on to AWS: the credential check before Terraform
    asks STS, which nothing answers (exit 1)."""
    outcome = run_platformctl(["deploy", "--env", "dev", "--stack", "dev", "--plan", inputs["plan:dev/dev"],
                               "--outdir", inputs["outdir"]], capsys)
    assert outcome.code == ExitCode.FAILED
    assert "AWS STS could not be reached to check the credentials" in outcome.err and "127.0.0.1:9" in outcome.err
    assert json.loads((Path(inputs["outdir"]) / "manifest.json").read_text())["stacks"]
