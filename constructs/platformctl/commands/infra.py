"""Infrastructure subcommands: synth, validate, scan, plan, deploy, rollback-infra, state-versions."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from platformctl.release.change import plan_and_apply, prepare, stack_change
from platformctl.release.inputs import releases_from_arguments
from platformctl.exit_codes import CliError, ExitCode
from platformctl.gates.junit import Case, write_junit
from platformctl.progress import Progress
from platformctl.project import Project, Stack
from platformctl.terraform.flow import StackChange, add_guard_arguments, guard_overrides
from platformctl.aws_session import caller_session
from platformctl.process import CommandRunner
from platformctl.terraform.state_history import StateHistory, StateRestoreRefused


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add the infrastructure subcommands; ``common`` and ``dry_run`` are shared option groups."""

    synth = commands.add_parser("synth", parents=[common], help="validate environments/ and synthesize every stack",
                                description="Validate every environment file, then synthesize all stacks into the "
                                            "output directory (all or nothing). Exit 2: invalid configuration.")
    synth.set_defaults(handler=_synth)

    validate = commands.add_parser("validate", parents=[common], help="terraform validate the synthesized stacks",
                                   description="terraform init -backend=false + validate for each stack, offline "
                                               "through the provider mirror when there is one. Exit 4: a stack is invalid.")
    validate.add_argument("--stack", action="append", default=[], help="stack to validate (repeatable; default: all)")
    validate.set_defaults(handler=_validate)

    scan = commands.add_parser("scan", parents=[common], help="checkov gate over the synthesized stacks",
                               description="Run the checkov gate (terraform_json framework, skips only from the "
                                           "reviewed checkov-skips.toml) over every synthesized stack. Exit 4: a failed "
                                           "check no skip accepts, or a stale skip.")
    scan.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    scan.set_defaults(handler=_scan)

    for name, summary, description in (
        ("plan", "terraform plan of one stack, checked by the plan guard",
         "terraform init + plan -out for one stack; the plan JSON is written next to the plan file and checked by the "
         "plan guard (exit 3 when it deletes or replaces stateful resources of a protected environment)."),
        ("deploy", "plan, guard and apply one stack (or apply a saved plan)",
         "Apply one stack: with --plan, the saved plan (guarded again); otherwise plan, guard and apply. For an apps "
         "stack, --app/--image set one application's image; every other application keeps its recorded current image."),
    ):
        sub = commands.add_parser(name, parents=[common, dry_run], help=summary, description=description)
        sub.add_argument("--env", required=True, help="environment, or shared (platformctl environments lists them)")
        sub.add_argument("--stack", required=True, help="stack name: the environment's own (its platform) or "
                                                        "<env>-app-<name> (one application)")
        sub.add_argument("--app", help="application a bare --image REF is for (apps stacks)")
        sub.add_argument("--image", action="append", default=[], metavar="[APP=]REF",
                         help="image by digest, repository@sha256:<64 hex> (apps stacks; repeatable as APP=REF)")
        sub.add_argument("--change-cause", help="kubernetes.io/change-cause of the rollout (apps stacks; default: the image)")
        add_guard_arguments(sub)
        if name == "plan":
            sub.add_argument("--out", type=Path, help="plan file (default: <stack dir>/tfplan)")
            sub.add_argument("--read-only", action="store_true",
                             help="plan with the target's read-only planner role and no state lock (branch builds): "
                                  "the plan can be reviewed, never applied")
            sub.add_argument("--changed-file", type=Path, metavar="FILE",
                             help="append the stack's name to FILE when the plan changes anything (for approvals)")
            sub.set_defaults(handler=_plan)
        else:
            sub.add_argument("--plan", type=Path, help="apply this saved plan (from platformctl plan) instead of planning")
            sub.set_defaults(handler=_deploy)

    rollback_infra = commands.add_parser(
        "rollback-infra", parents=[common, dry_run], help="restore a stack's state version, then re-apply",
        description="Restore an earlier version of the stack's state object (through terraform state push: locked, "
                    "same lineage, kept as a new version) and re-apply the synthesized configuration through the plan "
                    "guard. Synthesize the known-good revision first. List versions with state-versions.")
    rollback_infra.add_argument("--env", required=True, help="environment")
    rollback_infra.add_argument("--stack", required=True, help="stack name")
    rollback_infra.add_argument("--to-version", required=True, metavar="VERSION_ID", help="S3 version id of the state to restore")
    add_guard_arguments(rollback_infra)
    rollback_infra.set_defaults(handler=_rollback_infra)

    versions = commands.add_parser("state-versions", parents=[common], help="list the stored versions of a stack's state",
                                   description="List the versions of the stack's state object, newest first, for "
                                               "rollback-infra --to-version.")
    versions.add_argument("--env", required=True, help="environment")
    versions.add_argument("--stack", required=True, help="stack name")
    versions.set_defaults(handler=_state_versions)


def _synth(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.synth import run_synth

    return run_synth(project.root, str(project.outdir))


def _selected_stacks(args: argparse.Namespace, project: Project) -> list[str]:
    available = project.stack_names()
    unknown = sorted(set(args.stack) - set(available))
    if unknown:
        raise CliError(ExitCode.USAGE, f"--stack {', '.join(unknown)}: not synthesized; available: {', '.join(available)}")
    return args.stack or available


def _validate(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.terraform.cli import validate_stack

    progress = Progress()
    cli_config = project.cli_config()
    failed = []
    for name in _selected_stacks(args, project):
        result = validate_stack(project.outdir / "stacks" / name, cli_config)
        progress.say(f"{name}: {'valid' if result.valid else 'INVALID'}")
        if not result.valid:
            print(result.summary(), file=sys.stderr)
            failed.append(name)
    if failed:
        raise CliError(ExitCode.CHECK_FAILED, f"terraform validate failed for {', '.join(failed)}")
    return ExitCode.OK


def _scan(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.gates import checkov

    project.stack_names()  # refuses early when nothing was synthesized
    try:
        result = checkov.scan(project.outdir / "stacks", project.platform, project.root / checkov.SKIPS_FILE, project.root)
    except checkov.GateError as error:
        code = ExitCode.USAGE if error.exit_code == checkov.EXIT_INVALID_INPUT else ExitCode.FAILED
        raise CliError(code, str(error)) from None
    print(result.summary())
    if args.junit:
        cases = [Case(f"{f.check} {f.path}", f.stack, failure=f"{f.name} ({f.address})") for f in result.failed]
        cases += [Case(f"{f.check} {f.path}", f.stack, skipped=f.skip.reason) for f in result.skipped if f.skip]
        cases += [Case(f"stale {skip.describe()}", "checkov-skips.toml", failure="accepts no failed check")
                  for skip in result.stale_skips]
        cases.append(Case(f"{result.passed} checks passed", "checkov"))
        write_junit(args.junit, "checkov", cases)
    if not result.ok:
        raise CliError(ExitCode.CHECK_FAILED, f"checkov gate: {len(result.failed)} failed check(s), "
                                              f"{len(result.stale_skips)} stale skip(s)")
    return ExitCode.OK


def _change_for(args: argparse.Namespace, project: Project, runner: CommandRunner) -> tuple[Stack, StackChange, dict]:
    """The stack, its change (a release when --image is given) and the releases, all arguments checked first."""
    stack = project.stack(args.env, args.stack)
    releases = releases_from_arguments(stack.config, getattr(args, "image", []), getattr(args, "app", None),
                                       getattr(args, "change_cause", None))
    return stack, stack_change(stack, releases, runner, Progress()), releases


def _plan(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    overrides = guard_overrides(args)
    stack, change, releases = _change_for(args, project, runner)
    variables = prepare(change, releases, read_only=args.read_only)
    changed = change.plan(variables.values, args.out or stack.workdir.default_plan, overrides,
                          lock=not args.read_only)
    if changed and args.changed_file is not None and not runner.dry_run:
        with args.changed_file.open("a") as listing:
            listing.write(f"{stack.name}\n")
    return ExitCode.OK


def _deploy(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    overrides = guard_overrides(args)
    if args.plan is not None and (args.image or args.app or args.change_cause):
        raise CliError(ExitCode.USAGE, "--plan applies a saved plan as it is; --app/--image/--change-cause "
                                       "belong to the plan command")
    stack, change, releases = _change_for(args, project, runner)
    if args.plan is not None:
        change.init()
        change.guard(args.plan, overrides)
        change.apply(args.plan)
        return ExitCode.OK
    plan_and_apply(change, prepare(change, releases), stack.workdir.default_plan, overrides)
    return ExitCode.OK


def _state_history(project: Project, stack: Stack) -> StateHistory:
    state = stack.config.state
    return StateHistory(caller_session(state.region).client("s3"), state.bucket, stack.state_key)


def _state_versions(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    stack = project.stack(args.env, args.stack)
    history = _state_history(project, stack)
    print(f"s3://{history.bucket}/{history.key} (newest first)")
    for version in history.versions():
        print(f"{version.version_id}  {version.last_modified.isoformat()}  {version.size:>9} bytes"
              f"{'  (current)' if version.is_latest else ''}")
    return ExitCode.OK


def _rollback_infra(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    overrides = guard_overrides(args)
    stack, change, _ = _change_for(args, project, runner)
    progress = change.progress
    try:
        restored = _state_history(project, stack).restorable(args.to_version)
    except StateRestoreRefused as error:
        raise CliError(ExitCode.REFUSED, str(error)) from None
    progress.say(f"{stack.name}: state version {args.to_version} read (serial {restored['serial'] - 1} "
                 f"-> pushed as {restored['serial']})")
    variables = prepare(change, {})
    with tempfile.TemporaryDirectory(prefix="platformctl-state-") as scratch:
        state_file = Path(scratch) / "restored.tfstate"
        state_file.write_text(json.dumps(restored))
        runner.run(stack.workdir.state_push(state_file))
    progress.say(f"{stack.name}: state version {args.to_version} restored as the current state")
    if change.plan(variables.values, stack.workdir.default_plan, overrides):
        change.apply(stack.workdir.default_plan)
    progress.say(f"{stack.name}: infrastructure rollback complete")
    return ExitCode.OK

