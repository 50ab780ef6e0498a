"""Gate subcommands: validate, scan (checkov) and plan-guard.

Each judges something already produced (synthesized stacks, a plan) and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from platformctl.exit_codes import CliError, ExitCode
from platformctl.gates.junit import Case, write_junit
from platformctl.process import CommandRunner
from platformctl.progress import Progress
from platformctl.project import Project
from platformctl.terraform.flow import add_guard_arguments, guard_overrides


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add the gate subcommands; ``common`` is the shared option group (none of them has a dry run)."""
    validate = commands.add_parser(
        "validate", parents=[common], help="terraform validate the synthesized stacks",
        description="terraform init -backend=false + validate for each stack, through the provider mirror for what "
                    "it holds and the registry for the rest. A provider that neither can supply is named with what to "
                    "do, and the stack is validated without the blocks that need it (a documented skip, exit 0). "
                    "Exit 4: a stack is invalid.")
    validate.add_argument("--stack", action="append", default=[], help="stack to validate (repeatable; default: all)")
    validate.set_defaults(handler=_validate)

    scan = commands.add_parser(
        "scan", parents=[common], help="checkov gate over the synthesized stacks",
        description="Run the checkov gate (terraform_json framework, skips only from the reviewed checkov-skips.toml) "
                    "over every synthesized stack. Exit 4: a failed check no skip accepts, or a stale skip; 2: an "
                    "invalid skips file; 1: checkov missing or crashing.")
    scan.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    scan.add_argument("--skips", type=Path, help="skips file (default: <root>/checkov-skips.toml)")
    scan.set_defaults(handler=_scan)

    guard = commands.add_parser(
        "plan-guard", parents=[common], help="judge a plan's deletions and replacements of stateful resources",
        description="Read `terraform show -json PLANFILE` output and refuse (exit 3) a plan that deletes or replaces "
                    "a stateful resource in a protected environment (account registry and [plan_guard]) unless each "
                    "such address is allowed with a reason. --env is required: without an environment nothing is "
                    "judged (fail closed). Exit 2: unusable input (a binary plan file, JSON of the wrong shape, an "
                    "errored plan).")
    guard.add_argument("plan", metavar="PLAN_JSON",
                       help="output of `terraform show -json PLANFILE` (a file, or - for stdin)")
    guard.add_argument("--env", required=True, help="environment whose protection applies (dev, staging, prod, shared)")
    add_guard_arguments(guard)
    guard.add_argument("--json", action="store_true",
                       help="print the verdict as JSON on stdout (the report goes to stderr)")
    guard.set_defaults(handler=_plan_guard)


def _selected_stacks(args: argparse.Namespace, project: Project) -> list[str]:
    available = project.stack_names()
    unknown = sorted(set(args.stack) - set(available))
    if unknown:
        raise CliError(ExitCode.USAGE,
                       f"--stack {', '.join(unknown)}: not synthesized; available: {', '.join(available)}")
    return args.stack or available


def _validate(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.terraform.cli import MirrorError, local_mirror, validate_stack
    from platformctl.terraform.providers import Availability, Unavailable

    progress = Progress()
    names = _selected_stacks(args, project)
    cli_config = project.cli_config()
    try:
        availability = Availability(local_mirror())
    except MirrorError as error:
        raise CliError(ExitCode.USAGE, str(error)) from None
    failed = []
    not_validated: dict[str, tuple[Unavailable, list[str]]] = {}
    for name in names:
        result = validate_stack(project.outdir / "stacks" / name, cli_config, availability)
        progress.say(f"{name}: {result.status}")
        if not result.valid:
            print(result.summary(), file=sys.stderr)
            failed.append(name)
        for item in result.not_validated:
            not_validated.setdefault(str(item.provider), (item, []))[1].append(name)
    for provider, (item, stacks) in not_validated.items():
        print(f"note: the {item.provider.local_name} part of {', '.join(stacks)} was not validated: {provider} cannot "
              f"be installed here: {item.reason}.\n  To validate it: {item.remedy}.")
    if failed:
        raise CliError(ExitCode.CHECK_FAILED, f"terraform validate failed for {', '.join(failed)}")
    return ExitCode.OK


def _scan(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.gates import checkov

    project.stack_names()  # refuses early when nothing was synthesized
    skips = args.skips or project.root / checkov.SKIPS_FILE
    try:
        result = checkov.scan(project.outdir / "stacks", project.platform, skips, project.root)
    except checkov.GateError as error:
        raise CliError(error.exit_code, str(error)) from None
    print(result.summary())
    if args.junit:
        cases = [Case(f"{f.check} {f.path}", f.stack, failure=f"{f.name} ({f.address})") for f in result.failed]
        cases += [Case(f"{f.check} {f.path}", f.stack, skipped=f.skip.reason) for f in result.skipped if f.skip]
        cases += [Case(f"stale {skip.describe()}", checkov.SKIPS_FILE, failure="accepts no failed check")
                  for skip in result.stale_skips]
        cases.append(Case(f"{result.passed} checks passed", "checkov"))
        write_junit(args.junit, "checkov", cases)
    if not result.ok:
        raise CliError(ExitCode.CHECK_FAILED, f"checkov gate: {len(result.failed)} failed check(s), "
                                              f"{len(result.stale_skips)} stale skip(s)")
    return ExitCode.OK


def _plan_guard(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.gates import plan_guard

    overrides = guard_overrides(args)
    project.config(args.env)  # exit 2 naming the known environments
    protected = project.platform.protected(args.env)
    source = "the plan on stdin" if args.plan == "-" else args.plan
    try:
        raw = sys.stdin.buffer.read() if args.plan == "-" else _read_plan(Path(args.plan))
        result = plan_guard.evaluate(raw, protected=protected, overrides=overrides)
    except plan_guard.PlanGuardError as error:
        raise CliError(ExitCode.USAGE, f"{source}: {error}") from None
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    print(result.report(), file=sys.stderr if args.json else sys.stdout, flush=True)
    if not result.allowed:
        raise CliError(ExitCode.REFUSED, f"the plan guard refused {source} for {args.env} "
                                         f"({'protected' if protected else 'unprotected'} environment)")
    return ExitCode.OK


def _read_plan(path: Path) -> bytes:
    from platformctl.gates.plan_guard import PlanGuardError

    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise PlanGuardError("is a directory, not a plan JSON file") from None
    except OSError as error:
        raise PlanGuardError(f"cannot be read: {error.strerror or error}") from None
