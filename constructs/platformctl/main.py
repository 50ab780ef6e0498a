"""``platformctl``: the commands the Jenkins pipelines run (synth, validate, scan, plan, deploy,
promote, rollback, rollback-infra, verify, record-good; the read-only releases, state-versions and
image-repository; and registry-login for image builds).

Every subcommand has ``--help``. Errors are one message naming the option and value, never a
traceback. Only ``synth`` imports cdktf; the other commands start in well under a second.

Exit codes:

====  ===============  ==========================================================================
code  name             meaning
====  ===============  ==========================================================================
0     OK               done (``plan``: the plan was written and passed the plan guard)
1     FAILED           a step failed: Terraform, kubectl or an AWS call returned an error
2     USAGE            bad arguments, or the environment configuration is invalid
3     REFUSED          a safety rule refused: plan guard, promotion or rollback preconditions, state lock
4     CHECK_FAILED     a gate found problems: verification, ``terraform validate``, checkov
5     REAPPLY_PENDING  break-glass ``kubectl rollout undo`` done, the Terraform re-apply did not complete
====  ===============  ==========================================================================
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from platformctl.commands import data_grants as data_grants_commands, image as image_commands
from platformctl.commands import infra as infra_commands, release as release_commands
from platformctl.exit_codes import CliError, ExitCode
from platformctl.project import Project
from platformctl.process import CommandFailed, CommandRunner

class _Parser(argparse.ArgumentParser):
    """argparse with the project's usage exit code and a pointer to ``--help``."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar; every subcommand registers its own arguments and handler."""
    exit_codes = __doc__[__doc__.index("Exit codes:"):]
    parser = _Parser(prog="platformctl", description="The commands the Jenkins pipelines run; each has --help.",
                     epilog=exit_codes, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    for module in (infra_commands, release_commands, image_commands, data_grants_commands):
        module.register(commands, common, dry_run)
    for subcommand in commands.choices.values():
        subcommand.formatter_class = argparse.RawDescriptionHelpFormatter  # keeps the exit-code table intact
        subcommand.description = textwrap.fill(subcommand.description or "", 100)
        subcommand.epilog = exit_codes
    return parser


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
    except CommandFailed as error:
        print(f"platformctl {args.command}: {error}", file=sys.stderr)
        code = ExitCode.FAILED
    except _aws_errors() as error:  # evaluated only when an exception gets this far
        print(f"platformctl {args.command}: AWS call failed: {error}", file=sys.stderr)
        code = ExitCode.FAILED
    except KeyboardInterrupt:
        print(f"platformctl {args.command}: interrupted", file=sys.stderr)
        code = 130
    sys.stdout.flush()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
