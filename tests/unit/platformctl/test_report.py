"""The environment report shows every effective setting side by side and marks differences."""

from __future__ import annotations

import pytest

from platformctl.report import environment_table, flatten, main


def test_flatten_names_every_leaf_by_its_dotted_path():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": None, "e": {}}) == {"a.b": "1", "a.c": "[1, 2]", "d": "–", "e": "{}"}


def test_environments_appear_in_tier_order_and_differences_are_marked(platform):
    table = environment_table(platform)
    assert table.splitlines()[0] == "| setting | dev | staging | prod | differs |"
    assert "| `network.nat` | single | single | per_az | ◆ |" in table
    assert "| `aws.region` | eu-west-1 | eu-west-1 | eu-west-1 |  |" in table


def test_report_command_refuses_invalid_configuration(tmp_path, monkeypatch, capsys):
    (tmp_path / "shared.toml").write_text("tier = 'prod'\n")
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(tmp_path))
    assert main([]) == 2
    assert "shared.toml: aws = None: required" in capsys.readouterr().err


def test_policy_pack_and_suppressions_appear_in_the_report(tmp_path, monkeypatch, capsys):
    from envfiles import copy_environments, set_value

    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "policy.suppressions", [
        {"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "dev | single zone to save cost"}])
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(directory))
    assert main([]) == 0
    report = capsys.readouterr().out
    assert "| `policy.pack` | baseline | production | production | ◆ |" in report
    assert "| `policy.enforce` | false | true | true | ◆ |" in report
    assert "| dev | baseline | rds.multi-az | `dev/Postgres` | dev \\| single zone to save cost |" in report
    assert "| shared | production | s3.kms-encryption | `bootstrap/StateBucket-" in report


def test_help_describes_the_command_instead_of_reading_it_as_a_directory(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "effective settings of every environment" in capsys.readouterr().out
