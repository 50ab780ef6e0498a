"""``platformctl``: the one front door to every operator action — synth, validate, scan, plan-guard,
plan, deploy, promote, rollback, rollback-infra, verify, record-good, report, diagram (an environment
drawn as SVG), local up|down|env, data-grants (users, role mappings and topics inside the data stores),
new-app and new-env (scaffolding); the read-only releases, state-versions and image-repository; and
registry-login for image builds. Jenkins pipelines and ``make`` targets run these subcommands; the
``python -m`` forms of the gates and the report are aliases of them.

Every subcommand has ``--help``, which ends with the one exit-code table of every platform tool
(:mod:`platformctl.exit_codes`). Errors are one message naming the option and value, never a
traceback. Only ``synth`` imports cdktf, and only ``local`` runs the emulator (as a child
process: platformctl never imports it); the other commands start in well under a second.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from platformctl import exit_codes
from platformctl.commands import (
    catalog as catalog_commands,
    data_grants as data_grants_commands,
    diagram as diagram_commands,
    gates as gate_commands,
    image as image_commands,
    infra as infra_commands,
    local as local_commands,
    release as release_commands,
    report as report_commands,
    scaffold as scaffold_commands,
)
from platformctl.credentials import CredentialsProblem, explain
from platformctl.exit_codes import CliError, ExitCode
from platformctl.process import CommandFailed, CommandRunner
from platformctl.project import Project


class _Parser(argparse.ArgumentParser):
    """argparse with the project's usage exit code and a pointer to ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar; every subcommand registers its own arguments and handler."""
    epilog = exit_codes.table()
    parser = _Parser(prog="platformctl", description="Every operator action of the platform; each command has --help.",
                     epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(),
                        help="repository root holding environments/ (default: the current directory)")
    common.add_argument("--outdir", type=Path, default=None,
                        help="synthesized output (default: $CDKTF_OUTDIR or <root>/cdktf.out)")
    dry_run = argparse.ArgumentParser(add_help=False)
    dry_run.add_argument("--dry-run", action="store_true",
                         help="print the terraform/kubectl commands and record writes instead of doing them; "
                              "AWS is only read")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)
    for module in (catalog_commands, infra_commands, gate_commands, release_commands, image_commands, report_commands,
                   diagram_commands, local_commands, data_grants_commands, scaffold_commands):
        module.register(commands, common, dry_run)
    for subcommand in _all_subcommands(parser):
        subcommand.formatter_class = argparse.RawDescriptionHelpFormatter  # keeps the exit-code table intact
        subcommand.description = textwrap.fill(subcommand.description or "", 100)
        subcommand.epilog = epilog
    return parser


def _all_subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every (nested) subcommand parser, e.g. ``plan`` and ``local up``."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:  # noqa: SLF001 - argparse keeps its subcommands there
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in dict.fromkeys(action.choices.values()):
                found += [sub, *_all_subcommands(sub)]
    return found


def _aws_errors() -> tuple[type[BaseException], ...]:
    """AWS failures: botocore's errors, and a caller in the wrong account."""
    from botocore.exceptions import BotoCoreError, ClientError

    from platformctl.aws_session import WrongAccount

    return BotoCoreError, ClientError, WrongAccount


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``platformctl`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    runner = CommandRunner(dry_run=getattr(args, "dry_run", False))
    try:
        project = Project.at(args.root, args.outdir)
        code = args.handler(args, project, runner)
    except CliError as error:
        print(f"platformctl {args.command}: {error.message}", file=sys.stderr)
        code = error.code
    except CredentialsProblem as problem:
        print(f"platformctl {args.command}: {problem.message}", file=sys.stderr)
        code = problem.exit_code
    except CommandFailed as error:
        print(f"platformctl {args.command}: {error}", file=sys.stderr)
        code = ExitCode.FAILED
    except _aws_errors() as error:  # evaluated only when an exception gets this far
        explained = explain(error)  # credentials that expired during the run
        print(f"platformctl {args.command}: {explained.message if explained else f'AWS call failed: {error}'}",
              file=sys.stderr)
        code = explained.exit_code if explained else ExitCode.FAILED
    except KeyboardInterrupt:
        print(f"platformctl {args.command}: interrupted", file=sys.stderr)
        code = ExitCode.INTERRUPTED
    sys.stdout.flush()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
