"""External commands (terraform, kubectl) as data: built in one place, then run or only shown.

Commands are values so that what needs a live cluster — ``kubectl rollout`` and applies of the
application stacks (``<env>-app-<name>``), whose kubernetes provider cannot run on a machine
without a cluster — can be checked up to the exact command line (``dry_run``), while everything
else runs for real.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from platformctl.credentials import ensure_credentials


@dataclass(frozen=True)
class Command:
    """One process to start: its argument vector and the extra environment it needs."""

    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict, compare=False)
    """Complete process environment; empty means the caller's environment."""
    uses_aws: bool = field(default=False, compare=False)
    """The process reaches AWS with the caller's credentials: they are checked before it starts."""

    def __str__(self) -> str:
        return shlex.join(self.argv)


class CommandFailed(RuntimeError):
    """A command exited non-zero."""

    def __init__(self, command: Command, returncode: int, output: str) -> None:
        self.command = command
        self.returncode = returncode
        self.output = output
        tail = "\n".join(output.strip().splitlines()[-20:])
        super().__init__(f"`{command}` exited {returncode}" + (f":\n{tail}" if tail else ""))


@dataclass
class CommandRunner:
    """Runs commands, echoing each one first; with ``dry_run`` it only echoes them.

    Attributes:
        dry_run: print ``would run: <command>`` instead of running it.
        out: where the echo goes (the CLI's stdout).
    """

    dry_run: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)

    def run(self, command: Command, *, cwd: Path | None = None, ok_codes: tuple[int, ...] = (0,),
            capture: bool = False) -> subprocess.CompletedProcess[str] | None:
        """Run ``command``; raise :class:`CommandFailed` on an exit code outside ``ok_codes``.

        Returns the completed process, or ``None`` in dry-run mode. Output streams to the
        terminal unless ``capture`` is set (then stdout and stderr are returned apart, and shown
        only on failure).
        """
        if self.dry_run:
            print(f"would run: {command}", file=self.out, flush=True)
            return None
        if command.uses_aws:
            ensure_credentials()  # a second, not Terraform's half-minute metadata wait, when there are none
        print(f"+ {command}", file=self.out, flush=True)
        try:
            result = subprocess.run(command.argv, cwd=cwd, env=command.env or None, text=True, check=False,
                                    capture_output=capture)
        except FileNotFoundError:
            raise CommandFailed(command, 127, f"{command.argv[0]}: not found on PATH") from None
        if result.returncode not in ok_codes:
            raise CommandFailed(command, result.returncode, (result.stdout or "") + (result.stderr or ""))
        return result
