"""Adversarial configuration: downgrades, escalations, shape abuse and file faults, each refused at load time.

Every case edits a copy of the repository's environments (and account registry), then runs the
synth entry point (``run_synth``, what ``main.py`` and ``platformctl synth`` call): exit 2, the
file and field named on stderr, no traceback, and the previous ``cdktf.out`` byte for byte as it
was. A refused configuration never reaches the cdktf import, so each case takes milliseconds.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from adversarial.harness import ROOT, digest
from envfiles import copy_environments, delete_value, dumps, set_value

from platformctl.exit_codes import ExitCode
from platformctl.synth import run_synth

Setup = Callable[[Path], None]


def edit(file: str, *changes: tuple[str, Any]) -> Setup:
    def apply(directory: Path) -> None:
        for dotted, value in changes:
            set_value(directory, file, dotted, value)
    return apply


def delete(file: str, dotted: str) -> Setup:
    return lambda directory: delete_value(directory, file, dotted)


def clone(source: str, target: str, *changes: tuple[str, Any]) -> Setup:
    """A new environment file copied from ``source``, with ``name`` set to the new file's and ``changes``."""
    def apply(directory: Path) -> None:
        data = tomllib.loads((directory / source).read_text())
        data["name"] = target.removesuffix(".toml")
        (directory / target).write_text(dumps(data))
        edit(target, *changes)(directory)
    return apply


def write(file: str, content: bytes) -> Setup:
    return lambda directory: (directory / file).write_bytes(content)


def raw_toml(file: str, text: str) -> Setup:
    return write(file, text.encode())


def replace_text(file: str, old: str, new: str) -> Setup:
    def apply(directory: Path) -> None:
        path = directory / file
        path.write_text(path.read_text().replace(old, new))
    return apply


def make_directory(file: str) -> Setup:
    return lambda directory: (directory / file).mkdir()


def symlink(file: str, target: str) -> Setup:
    return lambda directory: (directory / file).symlink_to(directory / target)


def unlink(file: str) -> Setup:
    return lambda directory: (directory / file).unlink()


def both(*setups: Setup) -> Setup:
    def apply(directory: Path) -> None:
        for setup in setups:
            setup(directory)
    return apply


DEEP = 5000
PROD_ACCOUNT, DEV_ACCOUNT, SHARED_ACCOUNT = "333333333333", "111111111111", "444444444444"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
API = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api"

# (case, setup, file named in the message, field named in the message, fragment of the message)
CASES: list[tuple[str, Setup, str, str, str]] = [
    # --- tier binding: the registry, not the file, decides how safe an environment must be
    ("prod downgraded to dev with one replica",
     edit("prod.toml", ("tier", "dev"), ("apps.api.autoscaling", {"min_replicas": 1, "max_replicas": 2})),
     "prod.toml", "tier", 'must be "prod": the name "prod" implies tier prod'),
    ("prod downgraded to staging", edit("prod.toml", ("tier", "staging")), "prod.toml", "tier", "implies tier prod"),
    ("staging downgraded to dev", edit("staging.toml", ("tier", "dev")), "staging.toml", "tier",
     "implies tier staging"),
    ("staging dressed up as prod", edit("staging.toml", ("tier", "prod")), "staging.toml", "tier",
     'must be "staging"'),
    ("shared downgraded to dev", edit("shared.toml", ("tier", "dev")), "shared.toml", "tier",
     'the name "shared" implies tier prod'),
    ("shared downgraded to staging", edit("shared.toml", ("tier", "staging")), "shared.toml", "tier",
     "implies tier prod"),
    ("dev moved into the prod account", edit("dev.toml", ("aws.account_id", PROD_ACCOUNT)), "dev.toml",
     "aws.account_id", 'is the account of "prod"'),
    ("dev moved into the shared account", edit("dev.toml", ("aws.account_id", SHARED_ACCOUNT)), "dev.toml",
     "aws.account_id", 'is the account of "shared"'),
    ("staging moved into the prod account", edit("staging.toml", ("aws.account_id", PROD_ACCOUNT)), "staging.toml",
     "aws.account_id", "one account holds one environment"),
    ("prod moved into the dev account", edit("prod.toml", ("aws.account_id", DEV_ACCOUNT)), "prod.toml",
     "aws.account_id", 'is the account of "dev"'),
    ("shared moved into the prod account", edit("shared.toml", ("aws.account_id", PROD_ACCOUNT)), "shared.toml",
     "aws.account_id", 'is the account of "prod"'),
    ("an unregistered account", edit("dev.toml", ("aws.account_id", "999999999999")), "dev.toml", "aws.account_id",
     "is not in the account registry"),
    ("a second environment in the dev account", clone("dev.toml", "qa.toml", ("network.cidr", "10.40.0.0/16")),
     "qa.toml", "aws.account_id", 'is the account of "dev"'),
    ("a second environment in the prod account at tier dev",
     clone("dev.toml", "prodcopy.toml", ("aws.account_id", PROD_ACCOUNT), ("network.cidr", "10.41.0.0/16")),
     "prodcopy.toml", "aws.account_id", 'is the account of "prod"'),
    ("a new environment in an unregistered account",
     clone("dev.toml", "qa.toml", ("aws.account_id", "555555555555"), ("network.cidr", "10.40.0.0/16")),
     "qa.toml", "aws.account_id", "is not in the account registry"),
    ("an environment below its account's tier (no implied tier)",
     both(edit("accounts.toml", ("accounts.555555555555", {"environment": "live", "tier": "prod"})),
          clone("dev.toml", "live.toml", ("aws.account_id", "555555555555"), ("network.cidr", "10.50.0.0/16"))),
     "live.toml", "tier", 'is below tier "prod" of account 555555555555'),
    ("prod turns the plan guard off", edit("prod.toml", ("plan_guard.protected", False)), "prod.toml",
     "plan_guard.protected", "cannot be turned off: account 333333333333 is protected"),
    ("staging turns the plan guard off", edit("staging.toml", ("plan_guard.protected", False)), "staging.toml",
     "plan_guard.protected", "is protected"),
    ("shared turns the plan guard off", edit("shared.toml", ("plan_guard.protected", False)), "shared.toml",
     "plan_guard.protected", "is protected"),
    ("dev unprotected in an account the registry protects",
     both(edit("accounts.toml", ("accounts.111111111111.protected", True)),
          edit("dev.toml", ("plan_guard.protected", False))),
     "dev.toml", "plan_guard.protected", "cannot be turned off: account 111111111111"),
    # --- the registry itself
    ("registry: prod account at tier dev", edit("accounts.toml", ("accounts.333333333333.tier", "dev")),
     "accounts.toml", "accounts.333333333333.tier", 'the environment name "prod" implies tier prod'),
    ("registry: staging account at tier dev", edit("accounts.toml", ("accounts.222222222222.tier", "dev")),
     "accounts.toml", "accounts.222222222222.tier", "implies tier staging"),
    ("registry: shared account at tier staging", edit("accounts.toml", ("accounts.444444444444.tier", "staging")),
     "accounts.toml", "accounts.444444444444.tier", "implies tier prod"),
    ("registry: prod account unprotected", edit("accounts.toml", ("accounts.333333333333.protected", False)),
     "accounts.toml", "accounts.333333333333.protected", "a prod account is always protected"),
    ("registry: staging account unprotected", edit("accounts.toml", ("accounts.222222222222.protected", False)),
     "accounts.toml", "accounts.222222222222.protected", "always protected"),
    ("registry: prod in two accounts", edit("accounts.toml", ("accounts.111111111111.environment", "prod"),
                                             ("accounts.111111111111.tier", "prod")),
     "accounts.toml", "accounts.333333333333.environment", "lives in exactly one account"),
    ("registry: the prod account removed", delete("accounts.toml", "accounts.333333333333"), "prod.toml",
     "aws.account_id", "is not in the account registry"),
    ("registry: no accounts", raw_toml("accounts.toml", "accounts = {}\n"), "accounts.toml", "accounts",
     "at least 1 item"),
    ("registry: unknown key in an entry", edit("accounts.toml", ("accounts.111111111111.owner", "team")),
     "accounts.toml", "accounts.111111111111.owner", "unknown key; allowed keys here: environment, protected, tier"),
    ("registry: malformed account id",
     raw_toml("accounts.toml", '[accounts.1234]\nenvironment = "dev"\ntier = "dev"\n'),
     "accounts.toml", "accounts.1234.[key]", "should match pattern"),
    ("registry: unknown tier", edit("accounts.toml", ("accounts.111111111111.tier", "qa")), "accounts.toml",
     "accounts.111111111111.tier", 'must be one of: "dev", "staging", "prod"'),
    ("registry: protected as a string", edit("accounts.toml", ("accounts.111111111111.protected", "yes")),
     "accounts.toml", "accounts.111111111111.protected", "must be true or false, not a string"),
    ("registry: environment name not a name", edit("accounts.toml", ("accounts.111111111111.environment", "Dev!")),
     "accounts.toml", "accounts.111111111111.environment", "should match pattern"),
    ("registry: unknown top-level key", edit("accounts.toml", ("owners", ["platform"])), "accounts.toml", "owners",
     "unknown key"),
    ("registry: missing", unlink("accounts.toml"), "accounts.toml", "<file>", "file is missing"),
    ("registry: not UTF-8", write("accounts.toml", b"# caf\xe9\n"), "accounts.toml", "<file>", "is not UTF-8 text"),
    ("registry: not TOML", raw_toml("accounts.toml", "[accounts\n"), "accounts.toml", "<syntax>", "not valid TOML"),
    ("registry: a directory", both(unlink("accounts.toml"), make_directory("accounts.toml")), "accounts.toml", "<file>",
     "is a directory"),
    # --- escalations
    ("pods as administrators", edit("prod.toml", ("apps.api.pod_policy_arns", [ADMIN])), "prod.toml",
     "apps.api.pod_policy_arns.0", "AdministratorAccess makes the pods administrators"),
    ("pods as power users", edit("dev.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::aws:policy/PowerUserAccess"])),
     "dev.toml", "apps.api.pod_policy_arns.0", "PowerUserAccess makes the pods administrators"),
    ("pods with IAM full access",
     edit("staging.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::aws:policy/IAMFullAccess"])),
     "staging.toml", "apps.api.pod_policy_arns.0", "grants every action of a service"),
    ("pods with S3 full access (the state bucket too)",
     edit("prod.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::aws:policy/AmazonS3FullAccess"])),
     "prod.toml", "apps.api.pod_policy_arns.0", "AmazonS3FullAccess grants every action"),
    ("pods with Lambda full access", edit("prod.toml", ("apps.api.pod_policy_arns",
                                                        ["arn:aws:iam::aws:policy/AWSLambda_FullAccess"])),
     "prod.toml", "apps.api.pod_policy_arns.0", "AWSLambda_FullAccess grants every action"),
    ("pods as system administrators",
     edit("prod.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::aws:policy/job-function/SystemAdministrator"])),
     "prod.toml", "apps.api.pod_policy_arns.0", "job-function/SystemAdministrator makes the pods administrators"),
    ("pods with an AdministratorAccess variant",
     edit("prod.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify"])),
     "prod.toml", "apps.api.pod_policy_arns.0", "makes the pods administrators"),
    ("pods as administrators in GovCloud",
     edit("prod.toml", ("apps.api.pod_policy_arns", ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"])),
     "prod.toml", "apps.api.pod_policy_arns.0", "makes the pods administrators"),
    ("the admin policy second in the list",
     edit("prod.toml", ("apps.api.pod_policy_arns", ["arn:aws:iam::333333333333:policy/api-read", ADMIN])),
     "prod.toml", "apps.api.pod_policy_arns.1", "makes the pods administrators"),
    ("an application in kube-system", edit("prod.toml", ("apps.api.namespace", "kube-system")), "prod.toml",
     "apps.api.namespace", '"kube-system" is reserved by Kubernetes'),
    ("an application in kube-public", edit("dev.toml", ("apps.api.namespace", "kube-public")), "dev.toml",
     "apps.api.namespace", "reserved by Kubernetes"),
    ("an application in kube-node-lease", edit("dev.toml", ("apps.api.namespace", "kube-node-lease")), "dev.toml",
     "apps.api.namespace", "reserved by Kubernetes"),
    ("an application in any kube- namespace", edit("dev.toml", ("apps.api.namespace", "kube-extra")), "dev.toml",
     "apps.api.namespace", "reserved by Kubernetes (kube-*, default)"),
    ("an application in default", edit("staging.toml", ("apps.api.namespace", "default")), "staging.toml",
     "apps.api.namespace", '"default" is reserved'),
    ("an application in the platform's add-on namespace",
     edit("prod.toml", ("apps.api.namespace", "amazon-cloudwatch")),
     "prod.toml", "apps.api.namespace", "belongs to the platform's cluster add-ons"),
    ("an application named default (its namespace by default)",
     edit("dev.toml", ("apps.default", {"image_repository": API, "readiness": {"http_get": "/ready"},
                                        "liveness": {"http_get": "/healthz"}, "replicas": 1})),
     "dev.toml", "apps.default.namespace", "the application's name \"default\" is used"),
    ("a team with edit rights in kube-system", edit("prod.toml", ("eks.deployer_roles.api-team", ["kube-system"])),
     "prod.toml", "eks.deployer_roles.api-team[0]", "a team gets edit rights in its own application namespaces only"),
    ("a team with edit rights in default, second in its list",
     edit("prod.toml", ("eks.deployer_roles.api-team", ["api", "default"])), "prod.toml",
     "eks.deployer_roles.api-team[1]", '"default" is reserved'),
    ("a team with edit rights in amazon-cloudwatch",
     edit("dev.toml", ("eks.deployer_roles.api-team", ["amazon-cloudwatch"])), "dev.toml",
     "eks.deployer_roles.api-team[0]", "belongs to the platform"),
    ("an aws: tag key", edit("prod.toml", ("tags.Additional", {"aws:createdBy": "me"})), "prod.toml", "tags.Additional",
     'starts with "aws:", a prefix AWS reserves'),
    ("an AWS: tag key in capitals", edit("shared.toml", ("tags.Additional", {"AWS:Team": "x"})), "shared.toml",
     "tags.Additional", "a prefix AWS reserves"),
    ("a tag overriding Environment", edit("dev.toml", ("tags.Additional", {"Environment": "prod"})), "dev.toml",
     "tags.Additional", "would replace a mandatory tag"),
    ("a tag overriding the owner in another case", edit("dev.toml", ("tags.Additional", {"owner": "someone"})),
     "dev.toml", "tags.Additional", "would replace a mandatory tag"),
    ("a tag key longer than 128", edit("dev.toml", ("tags.Additional", {"k" * 129: "v"})), "dev.toml",
     "tags.Additional", "must be 1-128 letters"),
    ("a tag value with a forbidden character", edit("dev.toml", ("tags.Additional", {"Team": "<script>"})), "dev.toml",
     "tags.Additional", 'value of tag "Team" must be at most 256'),
    ("an unknown region", edit("dev.toml", ("aws.region", "eu-west-9")), "dev.toml", "aws.region",
     "is not an AWS region the platform knows"),
    ("a misspelt region", edit("prod.toml", ("aws.region", "eu-wset-1")), "prod.toml", "aws.region",
     "did you mean eu-west-1"),
    ("a region with a trailing blank", edit("prod.toml", ("aws.region", "eu-west-1 ")), "prod.toml", "aws.region",
     "is not an AWS region"),
    ("an unknown state region", edit("shared.toml", ("state.region", "us-east-7")), "shared.toml", "state.region",
     "is not an AWS region"),
    ("an isolated partition region", edit("dev.toml", ("aws.region", "us-iso-east-1")), "dev.toml", "aws.region",
     "is not an AWS region the platform knows"),
    # --- names that collide with stacks
    ("an environment named bootstrap", clone("dev.toml", "bootstrap.toml"), "bootstrap.toml", "name",
     'collides with the "bootstrap" stack'),
    ("an environment file named like an application stack", clone("dev.toml", "dev-app-api.toml"), "dev-app-api.toml",
     "name", 'collides with the stack of application "api" of environment "dev"'),
    ("an environment file named shared-app-api", clone("dev.toml", "shared-app-api.toml"), "shared-app-api.toml",
     "name", "collides with the stack of application"),
    # --- shapes the schema must refuse, not crash on
    ("tier as a number", edit("dev.toml", ("tier", 1)), "dev.toml", "tier",
     "must be the name of a tier: dev, staging, prod"),
    ("tier as a list", edit("prod.toml", ("tier", ["prod"])), "prod.toml", "tier", "must be the name of a tier"),
    ("tier with a Cyrillic o", edit("prod.toml", ("tier", "pr\u043ed")), "prod.toml", "tier",
     'unknown tier; did you mean "prod"? Known tiers: dev, staging, prod'),
    ("tier missing", delete("prod.toml", "tier"), "prod.toml", "tier", "required"),
    ("aws as a string", raw_toml("dev.toml", 'name = "dev"\ntier = "dev"\naws = "eu-west-1"\n'), "dev.toml", "aws",
     "must be a table, not a string"),
    ("account id as a number", edit("prod.toml", ("aws.account_id", 333333333333)), "prod.toml", "aws.account_id",
     "must be a string (in double quotes), not an integer"),
    ("network as a list", both(delete("dev.toml", "network"), replace_text("dev.toml", 'tier = "dev"',
                                                                          'tier = "dev"\nnetwork = []')),
     "dev.toml", "network", "must be a table, not an array"),
    ("apps as a string", replace_text("dev.toml", "[apps.api]", '[apps_x]'), "dev.toml", "apps_x", "unknown key"),
    ("plan_guard as a boolean", raw_toml("prod.toml", (ROOT / "environments/prod.toml").read_text()
                                         .replace('name = "prod"', 'name = "prod"\nplan_guard = false')),
     "prod.toml", "plan_guard", "must be a table, not a boolean"),
    ("plan guard protection as a string", edit("prod.toml", ("plan_guard.protected", "false")), "prod.toml",
     "plan_guard.protected", "must be true or false, not a string: write false without quotes"),
    ("Additional tags as a list", edit("dev.toml", ("tags.Additional", ["team"])), "dev.toml", "tags.Additional",
     "must be a table, not an array"),
    ("deployer namespaces as a string", edit("prod.toml", ("eks.deployer_roles.api-team", "api")), "prod.toml",
     "eks.deployer_roles.api-team", "must be an array ([...]), not a string"),
    ("an environment name too long", clone("dev.toml", "averyveryverylongname.toml"), "averyveryverylongname.toml",
     "name", "should match pattern"),
    ("the name differs from the file", edit("dev.toml", ("name", "prod")), "dev.toml", "name",
     'must match the file name ("dev")'),
    # --- files that cannot be read as configuration
    ("not UTF-8", write("dev.toml", b'name = "d\xe9v"\n'), "dev.toml", "<file>", "is not UTF-8 text (byte 0xe9"),
    ("UTF-16 with a byte-order mark", write("dev.toml", 'name = "dev"\n'.encode("utf-16")), "dev.toml", "<file>",
     "is not UTF-8 text"),
    ("a UTF-8 byte-order mark", write("dev.toml", b'\xef\xbb\xbfname = "dev"\n'), "dev.toml", "<syntax>",
     "not valid TOML"),
    ("a NUL byte", write("dev.toml", b'name = "dev"\x00\n'), "dev.toml", "<syntax>", "not valid TOML"),
    ("a duplicate key", raw_toml("dev.toml", 'name = "dev"\nname = "dev"\n'), "dev.toml", "<syntax>", "not valid TOML"),
    ("an empty file", write("dev.toml", b""), "dev.toml", "tier", "required"),
    ("arrays nested too deep", raw_toml("dev.toml", "x = " + "[" * DEEP + "]" * DEEP + "\n"), "dev.toml", "<syntax>",
     "nests arrays or inline tables too deeply"),
    ("inline tables nested too deep", raw_toml("dev.toml", "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"),
     "dev.toml", "<syntax>", "too deeply"),
    ("a directory named like an environment file", make_directory("qa.toml"), "qa.toml", "<file>", "is a directory"),
    ("a dangling symbolic link", symlink("qa.toml", "nowhere.toml"), "qa.toml", "<file>",
     "is a symbolic link to"),
    ("a symbolic link loop", symlink("qa.toml", "qa.toml"), "qa.toml", "<file>", "cannot be read"),
    ("shared.toml missing", unlink("shared.toml"), "shared.toml", "<file>", "file is missing"),
    ("shared.toml a directory", both(unlink("shared.toml"), make_directory("shared.toml")), "shared.toml", "<file>",
     "is a directory"),
]


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "prod").mkdir(parents=True)
    (outdir / "stacks" / "prod" / "cdk.tf.json").write_text('{"previous": true}')
    return outdir


@pytest.mark.parametrize(("case", "setup", "file", "field", "fragment"), CASES, ids=[case[0] for case in CASES])
def test_refused_with_file_field_and_reason_and_nothing_written(tmp_path, previous, monkeypatch, capsys,
                                                               case, setup, file, field, fragment):
    environments = copy_environments(tmp_path / "environments")
    setup(environments)
    before = digest(previous)
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))

    code = run_synth(ROOT, str(previous))

    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert re.search(re.escape(f"{environments / file}: {field}") + "( = | is absent: |: )", err), err
    assert fragment in err, err
    assert "Traceback" not in err
    assert digest(previous) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cdktf.out", "environments"]


@pytest.mark.parametrize(("case", "directory"), [
    ("the configuration directory does not exist", "missing"),
    ("the configuration directory is a file", "file"),
])
def test_an_unusable_configuration_directory_is_named(tmp_path, previous, monkeypatch, capsys, case, directory):
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(tmp_path / directory))
    assert run_synth(ROOT, str(previous)) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert f"{tmp_path / directory}: <directory>: " in err and "Traceback" not in err


def test_the_repository_files_are_owned_by_the_platform_and_security_teams():
    owners = (ROOT / ".github" / "CODEOWNERS").read_text()
    for path in ("/environments/accounts.toml", "/environments/prod.toml", "/environments/shared.toml",
                 "/constructs/platform_constructs/config/presets/"):
        [line] = [line for line in owners.splitlines() if line.split() and line.split()[0] == path]
        assert "@acme/platform" in line and "@acme/security" in line, line


def test_cases_are_many_and_unique():
    assert len(CASES) >= 90
    assert len({case[0] for case in CASES}) == len(CASES)
    assert os.sep not in "".join(case[2] for case in CASES)
