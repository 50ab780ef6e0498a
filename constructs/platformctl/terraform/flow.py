"""Plan → plan guard → apply for one stack: the path every change takes (deploy, promote, rollbacks).

The plan is saved and shown as JSON (kept next to it for the build's artifacts); the plan guard
decides from that JSON and from the environment's protection flag in the configuration. Only a
saved plan that passed the guard is applied.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.exit_codes import CliError, ExitCode
from platformctl.progress import Progress
from platformctl.project import Stack
from platformctl.process import CommandRunner
from platformctl.terraform.workdir import PLAN_HAS_CHANGES, PLAN_NO_CHANGES


@dataclass(frozen=True)
class GuardOverrides:
    """Resources the operator allows the plan to delete or replace, and why."""

    addresses: tuple[str, ...] = ()
    reason: str | None = None


def add_guard_arguments(parser: argparse.ArgumentParser) -> None:
    """``--allow ADDRESS[,ADDRESS...]`` (repeatable) and ``--reason TEXT`` for the plan guard."""
    parser.add_argument("--allow", metavar="ADDRESS[,ADDRESS]", action="append", default=[],
                        help="resource address(es) the plan may delete or replace in a protected environment "
                             "(repeatable or comma-separated; empty values are ignored; needs --reason)")
    parser.add_argument("--reason", metavar="TEXT", help="why the --allow'ed deletions are acceptable (printed in the log)")


def guard_overrides(args: argparse.Namespace) -> GuardOverrides:
    """The overrides given on the command line; addresses without a reason are refused."""
    addresses = tuple(address.strip() for value in args.allow for address in value.split(",") if address.strip())
    if addresses and not (args.reason and args.reason.strip()):
        raise CliError(ExitCode.USAGE, f"--allow {','.join(addresses)} needs --reason TEXT saying why the deletion is acceptable")
    return GuardOverrides(addresses, args.reason.strip() if addresses else None)


#: A further check of a saved plan (its ``terraform show -json`` output, parsed), run after the plan
#: guard; it raises :class:`CliError` to refuse the plan.
PlanGate = Callable[[Mapping[str, Any]], None]


class StackChange:
    """Plans, guards and applies one stack, printing timed progress.

    Args:
        gates: checks every plan must also pass before it is applied (e.g. the release scope).
    """

    def __init__(self, stack: Stack, runner: CommandRunner, progress: Progress,
                 gates: tuple[PlanGate, ...] = ()) -> None:
        self.stack = stack
        self.runner = runner
        self.progress = progress
        self.gates = gates

    def init(self) -> None:
        """``terraform init`` against the stack's S3 backend."""
        self.runner.run(self.stack.workdir.init())
        self.progress.say(f"{self.stack.name}: terraform init done")

    def plan(self, variables: Mapping[str, str], plan_file: Path, overrides: GuardOverrides, *,
             lock: bool = True) -> bool:
        """Write a plan, show it as JSON, run the plan guard; returns whether the plan changes anything.

        ``lock=False``: the plan takes no state lock (read-only plans).
        """
        result = self.runner.run(self.stack.workdir.plan(plan_file, variables, lock=lock),
                                 ok_codes=(PLAN_NO_CHANGES, PLAN_HAS_CHANGES))
        changes = result is None or result.returncode == PLAN_HAS_CHANGES
        self.progress.say(f"{self.stack.name}: plan written to {plan_file} ({'changes' if changes else 'no changes'})")
        self.guard(plan_file, overrides)
        return changes

    def guard(self, plan_file: Path, overrides: GuardOverrides) -> None:
        """Run the plan guard on a saved plan; a refusal ends the command with exit code 3.

        Whether the environment is protected comes from its configuration (``plan_guard.protected``).
        """
        from platformctl.gates import plan_guard

        shown = self.runner.run(self.stack.workdir.show_json(plan_file), capture=True)
        if shown is None:
            return
        plan_json = plan_file.with_name(plan_file.name + ".json")
        plan_json.write_text(shown.stdout)
        protected = self.stack.config.plan_guard.protected
        try:
            permits = [plan_guard.Override(address, overrides.reason or "") for address in overrides.addresses]
        except plan_guard.PlanGuardError as error:
            raise CliError(ExitCode.USAGE, f"--reason: {error}") from None
        try:
            verdict = plan_guard.evaluate(shown.stdout, protected=protected, overrides=permits)
        except plan_guard.PlanGuardError as error:
            raise CliError(ExitCode.FAILED, f"{self.stack.name}: {error}") from None
        print(verdict.report(), flush=True)
        if not verdict.allowed:
            raise CliError(ExitCode.REFUSED, f"{self.stack.name}: the plan guard refused the plan in {plan_file} "
                                             "(see above); nothing was applied")
        self.progress.say(f"{self.stack.name}: plan guard passed "
                          f"({'protected' if protected else 'unprotected'} environment); plan JSON in {plan_json}")
        for gate in self.gates:
            gate(json.loads(shown.stdout))

    def apply(self, plan_file: Path) -> None:
        """Apply a saved plan that passed the guard."""
        self.runner.run(self.stack.workdir.apply(plan_file))
        self.progress.say(f"{self.stack.name}: apply done")

    def outputs(self) -> dict[str, Any] | None:
        """The stack's outputs in its state (name → value); ``None`` in a dry run."""
        shown = self.runner.run(self.stack.workdir.output_json(), capture=True)
        if shown is None:
            return None
        return {name: output.get("value") for name, output in json.loads(shown.stdout or "{}").items()}
