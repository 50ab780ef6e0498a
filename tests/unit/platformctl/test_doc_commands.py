"""Every `platformctl` command line the runbooks show is one the command-line parser accepts.

The docs' shell blocks are read as they are written (placeholders such as `<version id>` become a
plain word); each `platformctl …` command in them must parse with the real parser, so a renamed
option or subcommand breaks this test instead of an operator's incident.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from platformctl.main import build_parser

ROOT = Path(__file__).resolve().parents[3]
DOCS = ["README.md", "docs/rollback.md", "docs/release-pipelines.md", "docs/rolling-deployments.md"]
BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)
PLACEHOLDER = re.compile(r"<[^>]*>")


def _commands(document: str) -> list[str]:
    found = []
    for block in BLOCK.findall((ROOT / document).read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            code = line.split(" #", 1)[0]
            for part in re.split(r"&&|;", code):
                command = part.strip()
                if command.startswith("platformctl "):
                    found.append(PLACEHOLDER.sub("X", command))
    return found


COMMANDS = [(document, command) for document in DOCS for command in _commands(document)]


def test_the_runbooks_show_commands():
    assert {document for document, _ in COMMANDS} >= {"docs/rollback.md"} and len(COMMANDS) >= 7


@pytest.mark.parametrize(("document", "command"), COMMANDS, ids=[f"{d}: {c}" for d, c in COMMANDS])
def test_every_documented_command_parses(document, command, capsys):
    try:
        build_parser().parse_args(shlex.split(command)[1:])
    except SystemExit as stopped:
        if stopped.code == 0 and "--help" in shlex.split(command):
            return  # `platformctl rollback --help`: the parser knows the subcommand and printed its help
        pytest.fail(f"{document}: `{command}` is refused by the parser: {capsys.readouterr().err.strip()}"
                    f" (exit {stopped.code})")
