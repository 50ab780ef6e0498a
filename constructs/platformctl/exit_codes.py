"""The one exit-code table of every operator tool, and the error that carries a code to ``main``.

``platformctl`` and each of its subcommands, ``main.py`` (synth), the plan guard, the checkov
gate and the local AWS emulator (``platformctl local``) exit only with these codes. The table is
rendered into ``platformctl --help`` and every subcommand's help from here, and the README's
copy is checked against it by the tests.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What an exit status of any platform tool means."""

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    OK = 0, "done (`plan`: the plan was written and passed the plan guard; `--dry-run`: every check passed)"
    FAILED = 1, ("a step failed: synthesis, Terraform, kubectl, checkov or an AWS call returned an error, or AWS STS "
                 "could not be reached to check the credentials")
    USAGE = 2, ("bad arguments or environment variables, the environment configuration is invalid, or no usable AWS "
                "credentials (missing, expired or refused: the message says how to provide them)")
    REFUSED = 3, ("a safety rule refused: plan guard, plan for another target, promotion or rollback preconditions, "
                  "state lock")
    CHECK_FAILED = 4, "a gate found problems: verification, `terraform validate`, checkov, a non-empty re-plan"
    REAPPLY_PENDING = 5, "break-glass `kubectl rollout undo` done, the Terraform re-apply did not complete"
    INTERRUPTED = 130, "interrupted (Ctrl-C or SIGINT)"
    TERMINATED = 143, "terminated (SIGTERM: a pipeline abort, `kill`)"


def table() -> str:
    """The table as plain text, for ``--help``: one ``code  NAME  meaning`` line per code."""
    width = max(len(code.name) for code in ExitCode)
    lines = ["Exit codes: one table for every platform tool"]
    lines += [f"  {code.value:>3}  {code.name:<{width}}  {code.meaning.replace('`', '')}" for code in ExitCode]
    return "\n".join(lines)


def markdown_table() -> str:
    """The table as Markdown, as the README shows it."""
    lines = ["| Code | Name | Meaning |", "|---|---|---|"]
    lines += [f"| {code.value} | {code.name} | {code.meaning} |" for code in ExitCode]
    return "\n".join(lines)


class CliError(Exception):
    """Ends the command with ``code`` and prints ``message`` (no traceback)."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
