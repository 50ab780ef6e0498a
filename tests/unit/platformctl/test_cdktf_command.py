"""main.py learns which cdktf command runs it from its process ancestry."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from platformctl.cdktf_command import USES_AWS, cdktf_command


@pytest.mark.parametrize(("argv", "expected"), [
    (["node", "/repo/node_modules/.bin/cdktf", "deploy", "dev"], "deploy"),
    (["/usr/bin/node", "/repo/node_modules/cdktf-cli/bundle/bin/cdktf", "--log-level=debug", "diff", "dev"], "diff"),
    (["cdktf", "synth"], "synth"),
    (["node", "/repo/node_modules/.bin/cdktf"], None),
    (["timeout", "120", "/repo/node_modules/.bin/cdktf", "diff"], None),  # its node child is the CLI
    (["/bin/sh", "-c", ".venv/bin/python main.py"], None),
    (["python", "main.py"], None),
    ([], None),
])
def test_the_cdktf_cli_is_recognized_by_its_command_line(argv, expected):
    assert cdktf_command(argv) == expected


def test_only_commands_that_reach_aws_need_credentials():
    assert {"deploy", "diff", "destroy", "output", "watch"} <= USES_AWS
    assert not {"synth", "list", "get", "init", "convert", "provider"} & USES_AWS


def test_the_nearest_cdktf_ancestor_names_the_command(tmp_path):
    """A script called ``cdktf`` starts a shell that starts Python, as the CLI starts main.py."""
    probe = tmp_path / "probe.py"
    probe.write_text("from platformctl.cdktf_command import invoking_command\nprint(invoking_command())\n")
    cli = tmp_path / "cdktf"
    cli.write_text(f'#!/bin/sh\n/bin/sh -c "{sys.executable} {probe}"\n')
    cli.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    under_cli = subprocess.run([str(cli), "deploy", "dev"], capture_output=True, text=True, check=True, env=env)
    assert under_cli.stdout.strip() == "deploy"
    alone = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, check=True, env=env)
    assert alone.stdout.strip() == "None"
