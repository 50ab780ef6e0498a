"""The environment report shows every effective setting side by side and marks differences."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from platformctl.main import main as platformctl
from platformctl.report import environment_table, flatten


def run_report(argv: list[str]) -> int:
    """``platformctl report ARGV``."""
    return platformctl(["report", *argv])


def test_flatten_names_every_leaf_by_its_dotted_path():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": None, "e": {}}) == \
        {"a.b": "1", "a.c": "[1, 2]", "d": "–", "e": "{}"}


def test_environments_appear_in_tier_order_and_differences_are_marked(platform):
    table = environment_table(platform)
    assert table.splitlines()[0] == "| setting | dev | staging | prod | differs |"
    assert "| `network.nat` | single | single | per_az | ◆ |" in table
    assert "| `aws.region` | eu-west-1 | eu-west-1 | eu-west-1 |  |" in table


def test_report_command_refuses_invalid_configuration(tmp_path, monkeypatch, capsys):
    (tmp_path / "shared.toml").write_text("tier = 'prod'\n")
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(tmp_path))
    assert run_report([]) == 2
    assert "shared.toml: aws is absent: required" in capsys.readouterr().err


def test_policy_pack_and_suppressions_appear_in_the_report(tmp_path, monkeypatch, capsys):
    from envfiles import copy_environments, set_value

    directory = copy_environments(tmp_path)
    set_value(directory, "dev.toml", "policy.suppressions", [
        {"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "dev | single zone to save cost"}])
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(directory))
    assert run_report([]) == 0
    report = capsys.readouterr().out
    assert "| `policy.pack` | baseline | production | production | ◆ |" in report
    assert "| `policy.enforce` | false | true | true | ◆ |" in report
    assert "| dev | baseline | rds.multi-az | `dev/Postgres` | dev \\| single zone to save cost |" in report
    assert "| shared | production | s3.kms-encryption | `bootstrap/StateBucket-" in report


def test_help_describes_the_command_instead_of_reading_it_as_a_directory(capsys):
    with pytest.raises(SystemExit) as exited:
        run_report(["--help"])
    assert exited.value.code == 0
    assert "effective settings of every environment" in capsys.readouterr().out


def test_nested_tables_are_merged_in_place_across_environments():
    from platformctl.report import flatten_side_by_side

    columns = [{"replicas": 1, "autoscaling": None, "port": 80},
               {"replicas": None, "autoscaling": {"min": 2, "max": 4}, "port": 80},
               {"autoscaling": {"min": 3, "max": 12, "cpu": 70}, "port": 8080}]
    assert list(flatten_side_by_side(columns).items()) == [
        ("replicas", ("1", "–", "–")),
        ("autoscaling.min", ("–", "2", "3")),
        ("autoscaling.max", ("–", "4", "12")),
        ("autoscaling.cpu", ("–", "–", "70")),
        ("port", ("80", "80", "8080")),
    ]
    assert flatten_side_by_side([{"probe": "/ready"}, {"probe": {"path": "/ready", "port": 81}}]) == {
        "probe": ("/ready", "–"), "probe.path": ("–", "/ready"), "probe.port": ("–", "81")}


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()[2:]]


def test_the_applications_autoscaling_shows_its_values_where_it_belongs(platform):
    rows = _rows(environment_table(platform))
    names = [row[0] for row in rows]
    scaling = [row for row in rows if row[0].startswith("`apps.api.autoscaling")]
    assert scaling, "the autoscaling table of staging and prod has rows"
    assert "`apps.api.autoscaling`" not in names  # no empty parent row
    first = names.index(scaling[0][0])
    assert names[first - 1] == "`apps.api.replicas`"
    assert names[first + len(scaling)] == "`apps.api.resources.requests.cpu`"
    envs = [platform.environments[name] for name in ("dev", "staging", "prod")]
    expected = [str(env.apps["api"].autoscaling.min_replicas) if env.apps["api"].autoscaling else "–" for env in envs]
    assert next(row for row in scaling if row[0] == "`apps.api.autoscaling.min_replicas`") == [
        "`apps.api.autoscaling.min_replicas`", *expected, "◆"]
    assert len(names) == len(set(names)), "each setting once"


class _Cells(HTMLParser):
    """Rows of an HTML report: (row class, [(cell class, text)])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[tuple[str, str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append((dict(attrs).get("class", ""), []))
        elif tag == "td":
            self._cell = [dict(attrs).get("class", "")]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append((self._cell[0], "".join(self._cell[1:])))
            self._cell = None


def test_the_html_report_highlights_differences_and_escapes_values(tmp_path, monkeypatch, capsys):
    from envfiles import copy_environments, set_value

    directory = copy_environments(tmp_path / "environments")
    set_value(directory, "dev.toml", "policy.suppressions", [
        {"rule": "rds.multi-az", "path": "dev/Postgres", "reason": "<b>cheap</b> & single zone on purpose"}])
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "diagram-dev.svg").write_text("<svg/>")
    output = tmp_path / "reports" / "environments.html"
    monkeypatch.setenv("PLATFORM_ENVIRONMENTS_DIR", str(directory))
    assert run_report(["--format", "html", "--output", str(output)]) == 0
    assert capsys.readouterr().out.strip() == str(output)
    page = output.read_text()
    assert page.startswith("<!DOCTYPE html>") and '<a href="diagram-dev.svg">diagram-dev</a>' in page
    assert "&lt;b&gt;cheap&lt;/b&gt; &amp; single zone on purpose" in page and "<b>cheap" not in page
    parser = _Cells()
    parser.feed(page)
    rows = {cells[0][1]: (row_class, cells) for row_class, cells in parser.rows if cells}
    row_class, cells = rows["network.nat"]
    assert row_class == "differs"
    assert cells[1:] == [("", "single"), ("", "single"), ("changed", "per_az")]
    assert rows["aws.region"][0] == ""
    row_class, cells = rows["apps.api.autoscaling.min_replicas"]
    assert row_class == "differs" and cells[1] == ("absent", "–") and cells[2][0] == "changed"


def test_markdown_and_html_show_the_same_settings(platform):
    from platformctl.report import render

    environments = render(platform, "md").split("## Shared")[0]
    parser = _Cells()
    parser.feed(render(platform, "html").split("</table>")[0])  # the first table: the environments
    settings = [cells[0][1] for _, cells in parser.rows if cells]
    assert len(settings) > 100
    assert [row[0] for row in _rows(environments.split("## Environments")[1].strip())] == [f"`{s}`" for s in settings]


def test_the_readme_shows_the_autoscaling_row_as_the_report_prints_it(platform):
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    row = next(line for line in environment_table(platform).splitlines()
               if "`apps.api.autoscaling.min_replicas`" in line)
    cells = [cell.strip() for cell in row.strip("|").split(" | ")][:4]
    assert f"`{cells[0].strip('`')} | {' | '.join(cells[1:])}`" in readme


def test_the_module_form_is_an_alias_of_the_subcommand():
    done = subprocess.run([sys.executable, "-m", "platformctl.report", "--help"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "effective settings of every environment" in done.stdout
