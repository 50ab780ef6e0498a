"""``platformctl report``: the effective settings of every environment side by side (Markdown or HTML)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from platformctl.exit_codes import ExitCode
from platformctl.process import CommandRunner
from platformctl.project import Project
from platformctl.report import FORMATS, render


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add ``report``."""
    report = commands.add_parser("report", parents=[common], help="print every environment's effective settings",
                                 description="Print the effective settings of every environment side by side "
                                             "(Markdown or HTML), then the shared configuration and the guardrail "
                                             "suppressions. Exit 2: invalid configuration (every problem listed).")
    report.add_argument("--format", choices=FORMATS, default="md", help="md (default) or html")
    report.add_argument("--output", type=Path, help="write here instead of printing; an HTML report links the "
                                                    "diagram-*.svg files beside it")
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    if args.output is None:
        sys.stdout.write(render(project.platform, args.format))
        return ExitCode.OK
    args.output.parent.mkdir(parents=True, exist_ok=True)
    diagrams = sorted(args.output.parent.glob("diagram-*.svg"))
    args.output.write_text(render(project.platform, args.format, diagrams))
    print(args.output)
    return ExitCode.OK
