"""Missing, expired or refused AWS credentials are found in about a second and explained.

Every case runs botocore's real credential chain on files written here (profiles, an expired SSO
token cache, a failing ``credential_process``). Only STS's own answers need a stand-in: no AWS
is reachable from the tests, so a loopback HTTP endpoint answers as STS does for an expired token.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from platformctl.credentials import HOW_TO_PROVIDE, CredentialsProblem
from platformctl.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parents[3]
CONFIG = """\
[profile team]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile legacy-sso]
sso_start_url = https://legacy.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = Admin

[profile broken-process]
credential_process = /bin/false
"""


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A user without credentials: empty environment, the config above, SSO tokens that expired in 2020."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws" / "sso" / "cache").mkdir(parents=True)
    (tmp_path / ".aws" / "config").write_text(CONFIG)
    for key in ("corp", "https://legacy.awsapps.com/start"):
        token = {"startUrl": key, "region": "eu-west-1", "accessToken": "t", "expiresAt": "2020-01-01T00:00:00Z"}
        (tmp_path / ".aws" / "sso" / "cache" / f"{hashlib.sha1(key.encode()).hexdigest()}.json").write_text(  # noqa: S324
            json.dumps(token))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # the metadata endpoint is covered by its 1 s timeout
    return tmp_path


_PROBE = """
import json
from platformctl.credentials import CredentialsProblem, check_credentials
try:
    check_credentials("eu-west-1")
except CredentialsProblem as problem:
    print(json.dumps({"summary": problem.summary, "exit_code": int(problem.exit_code), "message": problem.message}))
"""


def _problem() -> CredentialsProblem:
    """The check in a fresh interpreter: botocore fixes some paths (the SSO token cache) from HOME when imported."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=30)
    assert time.monotonic() - started < 10
    assert done.stdout, f"no problem found: {done.stderr}"
    found = json.loads(done.stdout)
    problem = CredentialsProblem(found["summary"], ExitCode(found["exit_code"]))
    assert problem.message == found["message"]
    return problem


@pytest.mark.parametrize(("setting", "expected"), [
    ({}, "no AWS credentials found (looked in the environment, the shared config and credentials files, SSO, web "
         "identity, and the container and instance metadata endpoints)"),
    ({"AWS_PROFILE": "nope"}, "the AWS profile 'nope' does not exist in the shared config or credentials file "
                              "(profiles there: broken-process, legacy-sso, team)"),
    ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, "incomplete AWS credentials: Partial credentials found in env, "
                                           "missing: AWS_SECRET_ACCESS_KEY"),
    ({"AWS_PROFILE": "team"}, "the IAM Identity Center (SSO) session for profile 'team' has expired or was never "
                              "started (Error when retrieving token from sso: Token has expired and refresh failed); "
                              "run `aws sso login --profile team`"),
    ({"AWS_PROFILE": "legacy-sso"}, "run `aws sso login --profile legacy-sso`"),
    ({"AWS_PROFILE": "broken-process"}, "the AWS credentials for profile 'broken-process' could not be obtained: "
                                        "Error when retrieving credentials from custom-process"),
], ids=["none", "unknown-profile", "partial", "sso-expired", "legacy-sso-expired", "credential-process"])
def test_unusable_credentials_exit_2_saying_how_to_provide_them(home, monkeypatch, setting, expected):
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    problem = _problem()
    assert problem.exit_code == ExitCode.USAGE
    assert expected in problem.summary
    assert problem.message == f"{problem.summary}\n{HOW_TO_PROVIDE}"
    for way in ("AWS_PROFILE", "aws sso login", "role_arn", "AWS_SESSION_TOKEN", 'eval "$(make -s local-env)"'):
        assert way in problem.message


class _Sts(BaseHTTPRequestHandler):
    """Answers as AWS answers a request signed with an expired session token: STS (POST) and S3 (GET) alike."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self._refuse(b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
                     b"<Code>ExpiredToken</Code><Message>The security token included in the request is expired"
                     b"</Message></Error><RequestId>1</RequestId></ErrorResponse>")

    def do_GET(self) -> None:
        self._refuse(b"<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>")

    def _refuse(self, body: bytes) -> None:
        self.send_response(400 if self.command == "GET" else 403)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def expired_sts() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Sts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _with_keys(monkeypatch, endpoint: str) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)


def test_credentials_sts_refuses_as_expired_exit_2(home, monkeypatch, expired_sts):
    _with_keys(monkeypatch, expired_sts)
    problem = _problem()
    assert problem.exit_code == ExitCode.USAGE
    assert problem.summary == ("the AWS credentials have expired (ExpiredToken: The security token included in the "
                               "request is expired); renew them")


def test_an_unreachable_sts_exits_1_without_blaming_the_credentials(home, monkeypatch):
    _with_keys(monkeypatch, "http://127.0.0.1:9")  # discard port: nothing answers
    problem = _problem()
    assert problem.exit_code == ExitCode.FAILED
    assert problem.summary.startswith("AWS STS could not be reached to check the credentials: ")
    assert problem.message == problem.summary  # no advice to change credentials that may be fine


@pytest.mark.parametrize("argv", [
    ["state-versions", "--env", "dev", "--stack", "dev"],
    ["deploy", "--env", "dev", "--stack", "dev-app-api", "--dry-run"],
    ["releases", "--env", "dev", "--app", "api"],
], ids=lambda argv: argv[0])
def test_platformctl_commands_that_use_aws_stop_at_once_with_the_guidance(home, tmp_path, argv):
    outdir = tmp_path / "cdktf.out"
    for stack in ("dev", "dev-app-api"):
        (outdir / "stacks" / stack).mkdir(parents=True)
        backend = {"s3": {"bucket": "acme-platform-tfstate-444444444444", "key": f"platform/dev/{stack}.tfstate"}}
        variables = {"image_api": {}, "change_cause_api": {}} if stack == "dev-app-api" else {}
        (outdir / "stacks" / stack / "cdk.tf.json").write_text(json.dumps({"terraform": {"backend": backend},
                                                                           "variable": variables}))
    (outdir / "manifest.json").write_text(json.dumps({"stacks": {"dev": {}, "dev-app-api": {}}}))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "platformctl.main", *argv, "--outdir", str(outdir)], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=60)
    assert time.monotonic() - started < 10
    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert done.stderr.startswith(f"platformctl {argv[0]}: no AWS credentials found (looked in the environment")
    assert HOW_TO_PROVIDE in done.stderr and "Traceback" not in done.stderr
    assert "+ terraform" not in done.stdout  # nothing started without credentials


def test_credentials_that_expire_during_a_command_are_explained_by_the_refused_call(home, monkeypatch, expired_sts,
                                                                                    tmp_path):
    """state-versions only finds credentials up front; S3's refusal of the expired token is explained all the same."""
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "dev").mkdir(parents=True)
    backend = {"s3": {"bucket": "acme-platform-tfstate-444444444444", "key": "platform/dev/dev.tfstate"}}
    (outdir / "stacks" / "dev" / "cdk.tf.json").write_text(json.dumps({"terraform": {"backend": backend}}))
    (outdir / "manifest.json").write_text(json.dumps({"stacks": {"dev": {}}}))
    _with_keys(monkeypatch, expired_sts)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    done = subprocess.run([sys.executable, "-m", "platformctl.main", "state-versions", "--env", "dev", "--stack", "dev",
                           "--outdir", str(outdir)], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert done.stderr.startswith("platformctl state-versions: the AWS credentials have expired (ExpiredToken: The "
                                  "provided token has expired.); renew them")
    assert HOW_TO_PROVIDE in done.stderr
