"""Which cdktf CLI command runs ``main.py``: ``cdktf synth`` needs no AWS credentials, ``cdktf deploy`` does.

The cdktf CLI starts the app (``main.py``) through a shell and passes it no hint of its own
command, so the command is read from the process ancestry: the nearest ancestor whose command
line runs the cdktf CLI (``node …/node_modules/.bin/cdktf deploy dev``) names it. On Linux the
ancestry comes from ``/proc``; elsewhere from ``ps``. Outside cdktf (``python main.py``,
``platformctl synth``) there is none.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path, PurePath

#: cdktf commands that run Terraform against state or AWS after synthesizing.
USES_AWS = frozenset({"deploy", "apply", "destroy", "diff", "plan", "output", "outputs", "watch"})
_CLI_NAMES = frozenset({"cdktf", "cdktf.js"})
_MAX_ANCESTORS = 8


def cdktf_command(argv: list[str]) -> str | None:
    """The subcommand if ``argv`` runs the cdktf CLI (as the program or as the script of ``node``), else ``None``."""
    for index, word in enumerate(argv[:2]):
        if PurePath(word).name in _CLI_NAMES:
            return next((arg for arg in argv[index + 1:] if not arg.startswith("-")), None)
    return None


def invoking_command(pid: int | None = None) -> str | None:
    """The command of the nearest cdktf CLI process among the ancestors of ``pid`` (default: this process)."""
    current = os.getppid() if pid is None else pid
    for _ in range(_MAX_ANCESTORS):
        if current <= 1:
            return None
        found = _process(current)
        if found is None:
            return None
        parent, argv = found
        command = cdktf_command(argv)
        if command is not None:
            return command
        current = parent
    return None


def _process(pid: int) -> tuple[int, list[str]] | None:
    """``(parent pid, argv)`` of ``pid``, or ``None`` when it cannot be read."""
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():
        try:
            argv = [part.decode(errors="replace") for part in (proc / "cmdline").read_bytes().split(b"\0") if part]
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return parent, argv
    try:
        shown = subprocess.run(["ps", "-o", "ppid=", "-o", "args=", "-p", str(pid)], capture_output=True, text=True,
                               check=False, timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return (int(shown[0]), shown[1:]) if shown and shown[0].isdigit() else None
