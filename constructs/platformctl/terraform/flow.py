"""Plan → plan guard → apply for one stack: the path every change takes (deploy, promote, rollbacks).

The plan is saved and shown as JSON (kept next to it for the build's artifacts); the plan guard
decides from that JSON and from the environment's protection (account registry and
``[plan_guard]``). Before a saved plan is judged, its recorded backend must be the stack's own:
Terraform applies a plan to the state it was made against, whatever directory it runs in. Only
a saved plan that passed both, and the change's own gates (e.g. a release's scope), is applied.

Overrides have one grammar everywhere: ``--allow ADDRESS`` (repeatable; a comma-separated list
works too) and exactly one ``--reason TEXT`` covering all of them.

A dry run prints what it would run and still runs every check it can: the overrides and their
reason, the target of a saved plan, and the plan guard on the plan JSON ``platformctl plan``
wrote next to a saved plan (when it belongs to that plan); it exits with the code the real run
would, never saying "done".
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from platform_constructs.policy.policy_props import MIN_REASON_LENGTH
from platformctl.exit_codes import CliError, ExitCode
from platformctl.gates import plan_guard
from platformctl.gates.plan_guard import Override, PlanGuardError
from platformctl.process import CommandRunner
from platformctl.progress import Progress
from platformctl.project import Stack
from platformctl.terraform.planfile import PlanFileError, read_target
from platformctl.terraform.workdir import PLAN_HAS_CHANGES, PLAN_NO_CHANGES


def add_guard_arguments(parser: argparse.ArgumentParser) -> None:
    """``--allow ADDRESS`` (repeatable, or comma-separated) and one ``--reason TEXT`` for the plan guard."""
    parser.add_argument("--allow", metavar="ADDRESS", action="append", default=[],
                        help="resource address the plan may delete or replace in a protected environment "
                             "(repeatable; a comma-separated list works too; needs --reason)")
    parser.add_argument("--reason", metavar="TEXT", action="append", default=[],
                        help=f"one reason covering every --allow, at least {MIN_REASON_LENGTH} characters "
                             "(printed with the verdict)")


def guard_overrides(args: argparse.Namespace) -> tuple[Override, ...]:
    """The overrides on the command line, checked before anything runs (exit 2 when unusable).

    Empty values are ignored, so a pipeline may pass unset parameters as ``--allow "" --reason ""``.
    """
    addresses = tuple(dict.fromkeys(address.strip() for value in args.allow for address in value.split(",")
                                    if address.strip()))
    reasons = [reason.strip() for reason in args.reason if reason.strip()]
    if len(reasons) > 1:
        raise CliError(ExitCode.USAGE, f"--reason given {len(reasons)} times: one --reason covers every --allow")
    if addresses and not reasons:
        raise CliError(ExitCode.USAGE,
                       f"--allow {','.join(addresses)} needs --reason TEXT saying why the deletion is acceptable")
    if reasons and not addresses and not getattr(args, "allow_findings", False):
        raise CliError(ExitCode.USAGE, f"--reason {reasons[0]!r} without --allow: name the addresses it is for")
    try:
        return tuple(Override(address, reasons[0]) for address in addresses)
    except PlanGuardError as error:
        raise CliError(ExitCode.USAGE, str(error)) from None


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

    @property
    def _protection(self) -> str:
        return "protected environment" if self.stack.protected else "unprotected environment"

    def init(self) -> None:
        """``terraform init`` against the stack's S3 backend."""
        if self.runner.run(self.stack.workdir.init()) is not None:
            self.progress.say(f"{self.stack.name}: terraform init done")

    def plan(self, variables: Mapping[str, str], plan_file: Path, overrides: tuple[Override, ...], *,
             lock: bool = True) -> bool:
        """Write a plan, show it as JSON, run the plan guard and the gates; returns whether the plan changes anything.

        ``lock=False``: the plan takes no state lock (read-only plans).
        """
        result = self.runner.run(self.stack.workdir.plan(plan_file, variables, lock=lock),
                                 ok_codes=(PLAN_NO_CHANGES, PLAN_HAS_CHANGES))
        if result is None:
            self.runner.run(self.stack.workdir.show_json(plan_file), capture=True)
            self.progress.say(f"{self.stack.name}: would run the plan guard on that plan ({self._protection}, "
                              f"{len(overrides)} --allow)")
            return True
        changes = result.returncode == PLAN_HAS_CHANGES
        self.progress.say(f"{self.stack.name}: plan written to {plan_file} ({'changes' if changes else 'no changes'})")
        self.guard(plan_file, overrides)
        return changes

    def guard(self, plan_file: Path, overrides: tuple[Override, ...]) -> None:
        """Check a saved plan's target, then run the plan guard on it.

        Raises:
            CliError: 3 when the plan targets another state or the guard refuses it; 2 when the
                file is not a saved plan.
        """
        self.check_target(plan_file)
        if self.runner.dry_run:
            text = self._plan_json_of(plan_file)
            if text is None:
                self.progress.say(f"{self.stack.name}: would run terraform show -json {plan_file} and the plan guard "
                                  f"({self._protection}); no plan JSON of this plan next to it to judge now")
                return
        else:
            shown = self.runner.run(self.stack.workdir.show_json(plan_file), capture=True)
            text = shown.stdout if shown is not None else ""
            plan_file.with_name(plan_file.name + ".json").write_text(text)
        self._judge(text, overrides, f"the plan in {plan_file}")
        self.progress.say(f"{self.stack.name}: plan guard passed ({self._protection})")
        for gate in self.gates:
            gate(json.loads(text))

    def judge_against_state(self, state: Mapping[str, Any], variables: Mapping[str, str],
                            overrides: tuple[Override, ...]) -> None:
        """Plan the stack against a local copy of ``state`` and run the plan guard, before that state
        is pushed anywhere. Runs in a dry run too: it only reads AWS and writes a scratch directory."""
        runner = CommandRunner(dry_run=False, out=self.runner.out)
        with tempfile.TemporaryDirectory(prefix="platformctl-candidate-") as scratch:
            state_file = Path(scratch) / "candidate.tfstate"
            state_file.write_text(json.dumps(state))
            workdir = self.stack.workdir.with_local_state(Path(scratch) / self.stack.name, state_file)
            plan_file = workdir.directory / "candidate.tfplan"
            runner.run(workdir.init())
            runner.run(workdir.plan(plan_file, variables), ok_codes=(PLAN_NO_CHANGES, PLAN_HAS_CHANGES))
            shown = runner.run(workdir.show_json(plan_file), capture=True)
            self._judge(shown.stdout if shown is not None else "", overrides,
                        "the plan against the state to restore (nothing was pushed)")
        self.progress.say(f"{self.stack.name}: plan against the state to restore passed the plan guard "
                          f"({self._protection})")

    def apply(self, plan_file: Path) -> None:
        """Apply a saved plan that passed the guard."""
        if self.runner.run(self.stack.workdir.apply(plan_file)) is not None:
            self.progress.say(f"{self.stack.name}: apply done")

    def outputs(self) -> dict[str, Any] | None:
        """The stack's outputs in its state (name → value); ``None`` in a dry run."""
        shown = self.runner.run(self.stack.workdir.output_json(), capture=True)
        if shown is None:
            return None
        return {name: output.get("value") for name, output in json.loads(shown.stdout or "{}").items()}

    def _judge(self, text: str, overrides: tuple[Override, ...], what: str) -> None:
        try:
            verdict = plan_guard.evaluate(text, protected=self.stack.protected, overrides=overrides)
        except PlanGuardError as error:
            raise CliError(ExitCode.FAILED, f"{self.stack.name}: {error}") from None
        print(verdict.report(), flush=True)
        if not verdict.allowed:
            would = "would refuse" if self.runner.dry_run else "refused"
            raise CliError(ExitCode.REFUSED, f"{self.stack.name}: the plan guard {would} {what} (see above); "
                                             "nothing was applied")

    def check_target(self, plan_file: Path) -> None:
        """Refuse (exit 3) a saved plan whose recorded backend or workspace is not this stack's state."""
        state = self.stack.config.state
        try:
            target = read_target(plan_file)
        except PlanFileError as error:
            raise CliError(ExitCode.USAGE, f"--plan: {error}") from None
        mismatch = target.mismatch(state.bucket, self.stack.state_key)
        if mismatch is not None:
            raise CliError(ExitCode.REFUSED, f"{plan_file} is not a plan of stack {self.stack.name} in "
                                             f"{self.stack.config.name}: {mismatch}; nothing was applied")

    def _plan_json_of(self, plan_file: Path) -> str | None:
        """The JSON ``platformctl plan`` wrote next to ``plan_file``, if it is of that very plan."""
        path = plan_file.with_name(plan_file.name + ".json")
        try:
            text = path.read_text(encoding="utf-8")
            shown = json.loads(text)
        except (OSError, ValueError):
            return None
        same = isinstance(shown, dict) and shown.get("timestamp") == read_target(plan_file).timestamp
        return text if same else None

