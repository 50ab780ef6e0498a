"""Exit codes of ``platformctl`` and the error that carries one to ``main``."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a ``platformctl`` exit status means (the table in ``cli/main.py`` and the README)."""

    OK = 0
    """Done (for ``plan``: the plan was written and passed the guard)."""
    FAILED = 1
    """A step failed: Terraform, kubectl or an AWS call returned an error."""
    USAGE = 2
    """Bad arguments, or the environment configuration is invalid."""
    REFUSED = 3
    """A safety rule refused the action: plan guard, promotion or rollback preconditions, state lock."""
    CHECK_FAILED = 4
    """A gate found problems: verification, ``terraform validate``, checkov."""
    REAPPLY_PENDING = 5
    """Break-glass ``kubectl rollout undo`` done, but the Terraform re-apply did not complete:
    the cluster and the Terraform state disagree until it does."""


class CliError(Exception):
    """Ends the command with ``code`` and prints ``message`` (no traceback)."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
