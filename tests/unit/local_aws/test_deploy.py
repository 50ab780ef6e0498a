"""deploy_local's command line: arguments and configuration are checked before anything starts.

The deploy itself runs against the emulator in tests/integration/emulator/test_dev_platform.py.
"""

from __future__ import annotations

import configparser

import pytest
from envfiles import copy_environments, set_value

from local_aws import deploy as deploy_local
from local_aws.deploy import EXIT_INVALID, EXIT_OK, aws_cli_config


def test_unknown_environment_exits_2_naming_the_known_ones(tmp_path, capsys):
    code = deploy_local.main(["up", "--env", "qa", "--synth-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")])
    assert code == EXIT_INVALID
    assert "PLATFORM_ENV = 'qa': no such environment; known: dev, prod, staging" in capsys.readouterr().err
    assert not (tmp_path / "run").exists(), "nothing is started or written for a bad argument"


def test_the_environment_comes_from_platform_env(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLATFORM_ENV", "uat")
    assert deploy_local.main(["up", "--synth-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")]) == EXIT_INVALID
    assert "'uat': no such environment" in capsys.readouterr().err


def test_invalid_configuration_exits_2_with_every_problem(tmp_path, monkeypatch, capsys):
    environments = copy_environments(tmp_path / "environments")
    set_value(environments, "dev.toml", "network.az_count", "two")
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(environments))
    assert deploy_local.main(["up", "--synth-dir", str(tmp_path), "--run-dir", str(tmp_path / "run")]) == EXIT_INVALID
    assert 'dev.toml: network.az_count = "two"' in capsys.readouterr().err


def test_down_without_an_emulator_is_harmless(tmp_path, capsys):
    (tmp_path / "run").mkdir()
    assert deploy_local.main(["down", "--run-dir", str(tmp_path / "run")]) == EXIT_OK
    assert "no local AWS emulator is running" in capsys.readouterr().out
    assert not (tmp_path / "run").exists()


def test_aws_config_has_one_profile_per_account_assuming_its_deployer_role(platform, tmp_path):
    parser = configparser.ConfigParser()
    parser.read_string(aws_cli_config(platform, endpoint="https://127.0.0.1:4567", ca_bundle=tmp_path / "ca.pem",
                                      region="eu-west-1"))
    assert parser["default"]["aws_access_key_id"] == "test"
    assert set(parser.sections()) == {"default", *(f"profile {name}" for name, _ in platform.configs())}
    assert len(parser.sections()) == 1 + 1 + len(platform.environments)  # emulator, shared, each environment
    for name, config in platform.configs():
        profile = parser[f"profile {name}"]
        assert profile["role_arn"] == f"arn:aws:iam::{config.aws.account_id}:role/{config.aws.deploy_role_name}"
        assert (profile["source_profile"], profile["endpoint_url"]) == ("default", "https://127.0.0.1:4567")
        assert profile["ca_bundle"] == str(tmp_path / "ca.pem")
        assert profile["role_session_name"] == "local-aws-4567"  # the AWS CLI's role cache is per emulator


@pytest.mark.parametrize("command", [["up", "--help"], ["down", "--help"]])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        deploy_local.main(command)
    assert exit_info.value.code == 0
    assert "--run-dir" in capsys.readouterr().out
