"""``platformctl report``: the effective settings of every environment side by side (Markdown)."""

from __future__ import annotations

import argparse
import sys

from platformctl.exit_codes import ExitCode
from platformctl.process import CommandRunner
from platformctl.project import Project


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add ``report``."""
    report = commands.add_parser("report", parents=[common], help="print every environment's effective settings",
                                 description="Print the effective settings of every environment side by side "
                                             "(Markdown), then the shared configuration and the guardrail "
                                             "suppressions. Exit 2: invalid configuration (every problem listed).")
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.report import render

    sys.stdout.write(render(project.platform))
    return ExitCode.OK
