"""``platformctl new-app`` / ``new-env``: refusals leave every file as it was; what they write loads and synthesizes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from envfiles import copy_environments

from platform_constructs.config import load_platform
from platformctl.main import main


def _snapshot(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.glob("*.toml"))}


def _run(root: Path, *argv: str) -> int:
    return main([*argv, "--root", str(root)])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy_environments(tmp_path / "environments")
    return tmp_path


SOURCE = ("--source", "https://git.acme.example/acme/billing.git")

BAD_INPUTS = [
    # (case, argv, fragment of stderr)
    ("existing application", ["new-app", "api"], 'NAME = "api": is already an application of '),
    ("staging without prod", ["new-app", "billing", *SOURCE, "--envs", "dev,staging"],
     "only staging has billing; staging and prod hold the same entries"),
    ("unknown environment", ["new-app", "billing", "--envs", "dev,qa"], '--envs = "qa": names no environment'),
    ("bad application name", ["new-app", "Billing"], "apps.Billing"),
    ("port below 1024", ["new-app", "billing", *SOURCE, "--port", "80"], "apps.billing.port = 80"),
    ("no source repository", ["new-app", "billing"],
     "--source is absent: required: shared.toml names no source repository for billing"),
    ("a source that is not a git URL", ["new-app", "billing", "--source", "ftp://git.acme.example/billing"],
     "ci.applications.billing.repository"),
    ("existing environment", ["new-env", "dev", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0/16"],
     'NAME = "dev": is already an environment'),
    ("registered account", ["new-env", "qa", "--tier", "dev", "--account", "111111111111", "--cidr", "10.40.0.0/16"],
     '--account = "111111111111": already holds environment "dev"'),
    ("misspelled tier", ["new-env", "qa", "--tier", "prd", "--account", "555555555555", "--cidr", "10.40.0.0/16"],
     'did you mean "prod"?'),
    ("overlapping range", ["new-env", "qa", "--tier", "dev", "--account", "555555555555", "--cidr", "10.10.0.0/16"],
     "overlaps the VPC of qa"),
    ("not a range", ["new-env", "qa", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0"],
     "network.cidr"),
    ("short account id", ["new-env", "qa", "--tier", "dev", "--account", "5555", "--cidr", "10.40.0.0/16"], "5555"),
    ("upper-case name", ["new-env", "QA", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0/16"],
     "QA"),
    ("a path for a name", ["new-env", "../qa", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0/16"],
     "an environment name is a file name"),
]


@pytest.mark.parametrize(("argv", "fragment"), [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_a_refused_request_exits_2_naming_the_problem_and_writes_nothing(root, capsys, argv, fragment):
    before = _snapshot(root / "environments")

    assert _run(root, *argv) == 2

    captured = capsys.readouterr()
    assert fragment in captured.err
    assert "Traceback" not in captured.err
    assert _snapshot(root / "environments") == before


def test_a_name_implying_its_tier_is_refused_by_the_registry_rules(root, capsys):
    """Without a staging environment, ``new-env staging --tier dev`` meets the loader's implied-tier rule."""
    (root / "environments" / "staging.toml").unlink()
    prod = root / "environments" / "prod.toml"
    prod.write_text(f'{prod.read_text()}\n[release]\npromote_from = ["dev"]\n')  # staging is gone
    accounts = root / "environments" / "accounts.toml"
    staging_account = '[accounts.222222222222]\nenvironment = "staging"\ntier = "staging"\n'
    accounts.write_text(accounts.read_text().replace(staging_account, ""))
    before = _snapshot(root / "environments")

    assert _run(root, "new-env", "staging", "--tier", "dev", "--account", "222222222222", "--cidr", "10.20.0.0/16") == 2

    assert "the name \"staging\" implies tier staging" in capsys.readouterr().err
    assert _snapshot(root / "environments") == before


def test_an_invalid_configuration_is_reported_before_anything_is_written(root, capsys):
    dev = root / "environments" / "dev.toml"
    dev.write_text(dev.read_text().replace('cidr = "10.10.0.0/16"', 'cidrr = "10.10.0.0/16"'))
    before = _snapshot(root / "environments")

    assert _run(root, "new-app", "billing", *SOURCE) == 2

    assert "did you mean cidr?" in capsys.readouterr().err
    assert _snapshot(root / "environments") == before


def test_new_app_keeps_every_existing_line_and_names_the_shared_repository(root, capsys):
    environments = root / "environments"
    before = _snapshot(environments)

    assert _run(root, "new-app", "billing", *SOURCE, "--port", "9000", "--health", "/live") == 0

    after = _snapshot(environments)
    for name in ("dev.toml", "staging.toml", "prod.toml"):
        assert after[name].startswith(before[name].rstrip())
    assert 'repositories = ["api", "worker", "platform-tools", "billing"]' in after["shared.toml"]
    platform = load_platform(environments)
    apps = {name: env.apps["billing"] for name, env in platform.environments.items()}
    assert sorted(apps) == ["dev", "prod", "staging"]
    assert {app.image_repository for app in apps.values()} == {
        "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-billing"}
    assert {app.port for app in apps.values()} == {9000}
    assert (apps["dev"].replicas, apps["staging"].replicas, apps["prod"].replicas) == (1, 2, 2)
    source = platform.shared.ci.applications["billing"]
    assert (source.repository, source.main_branch) == (SOURCE[1], "main")
    assert "billing" in capsys.readouterr().out


def test_new_app_in_another_environment_reuses_the_source_shared_toml_names(root, capsys):
    """An application shared.toml already knows (its repository and source) needs neither again; another
    source for it is refused rather than silently ignored."""
    environments = root / "environments"
    assert _run(root, "new-env", "qa", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0/16") == 0
    shared = (environments / "shared.toml").read_text()
    before = _snapshot(environments)

    assert _run(root, "new-app", "api", "--envs", "qa", "--source", "https://git.acme.example/acme/other.git") == 2
    assert "[ci.applications.api] already names https://git.acme.example/acme/api.git" in capsys.readouterr().err
    assert _snapshot(environments) == before

    assert _run(root, "new-app", "api", "--envs", "qa") == 0

    assert (environments / "shared.toml").read_text() == shared
    assert "api" in load_platform(environments).environments["qa"].apps


def test_new_env_registers_its_account_at_its_tier(root):
    environments = root / "environments"

    assert _run(root, "new-env", "qa", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0/16") == 0

    platform = load_platform(environments)
    qa = platform.environments["qa"]
    assert (qa.tier, qa.network.cidr, qa.dns.domain, qa.state.key_prefix) == (
        "dev", "10.40.0.0/16", "qa.acme.example", "platform/qa")
    entry = platform.accounts.entry("555555555555")
    assert entry is not None and (entry.environment, entry.tier) == ("qa", "dev")


@pytest.fixture(scope="module")
def scaffolded_synth(tmp_path_factory) -> dict[str, dict]:
    """One in-process synth of an environment and an application both written by the commands."""
    from platform_constructs.app import synthesize_owners

    root = tmp_path_factory.mktemp("scaffold")
    copy_environments(root / "environments")
    assert _run(root, "new-env", "qa", "--tier", "dev", "--account", "555555555555", "--cidr", "10.40.0.0/16") == 0
    assert _run(root, "new-app", "billing", *SOURCE) == 0
    output = synthesize_owners(load_platform(root / "environments"), ["qa"], root / "cdktf.out")
    return {name: json.loads(stack.files["cdk.tf.json"]) for name, stack in output.stacks.items()}


@pytest.mark.slow
def test_a_scaffolded_environment_and_application_synthesize(scaffolded_synth):
    assert sorted(scaffolded_synth) == ["qa", "qa-app-billing", "qa-cluster-config"]
    deployments = scaffolded_synth["qa-app-billing"]["resource"]["kubernetes_deployment_v1"]
    assert "billing" in str(sorted(deployments)).lower()
    vpcs = scaffolded_synth["qa"]["resource"]["aws_vpc"]
    assert [vpc["cidr_block"] for vpc in vpcs.values()] == ["10.40.0.0/16"]


REPOSITORY_EDITS = [
    # (case, shared.toml text, expected text)
    ("a one-line list", '[registry]\nrepositories = ["api"]\n', '[registry]\nrepositories = ["api", "billing"]\n'),
    ("a list over several lines", '[registry]\nrepositories = [\n  "api",\n]\n# end\n',
     '[registry]\nrepositories = [\n  "api", "billing"]\n# end\n'),
    ("an empty list", "[registry]\nrepositories = []\n", '[registry]\nrepositories = ["billing"]\n'),
    ("no repositories key: the effective list is written out", '[registry]\nforce_delete = false\n',
     '[registry]\nrepositories = ["api", "billing"]\nforce_delete = false\n'),
    ("no [registry] table", 'name = "shared"\n',
     'name = "shared"\n\n# One repository per image (platformctl new-app adds to it).\n[registry]\n'
     'repositories = ["api", "billing"]\n'),
    ("a repositories key of another table is left alone", '[other]\nrepositories = ["x"]\n[registry]\n',
     '[other]\nrepositories = ["x"]\n[registry]\nrepositories = ["api", "billing"]\n'),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in REPOSITORY_EDITS],
                         ids=[case[0] for case in REPOSITORY_EDITS])
def test_the_repository_is_added_to_the_registry_table_only(text, expected):
    from platformctl.scaffold import with_repository

    assert with_repository(text, "billing", ["api"]) == expected
