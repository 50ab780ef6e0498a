"""Infrastructure subcommands: synth, plan, deploy, rollback-infra, state-versions."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from platformctl.aws_session import caller_session
from platformctl.exit_codes import CliError, ExitCode
from platformctl.process import CommandRunner
from platformctl.progress import Progress
from platformctl.project import Project, Stack
from platformctl.release.change import plan_and_apply, prepare, stack_change
from platformctl.release.inputs import releases_from_arguments
from platformctl.release.records import Release
from platformctl.terraform.flow import StackChange, add_guard_arguments, guard_overrides
from platformctl.terraform.state_history import StateHistory, StateRestoreRefused


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add the infrastructure subcommands; ``common`` and ``dry_run`` are shared option groups."""

    synth = commands.add_parser(
        "synth", parents=[common], help="validate environments/ and synthesize the stacks (all, or those asked for)",
        description="Validate every environment file (cross-file rules over all of them), then write the selected "
                    "stacks into the output directory in one atomic rename; other stacks stay as they were. Stacks "
                    "whose inputs did not change come from the synth cache (.cdktf-cache/) without importing cdktf. "
                    "Exit 2: invalid configuration, selection or output path; 1: synthesis or publishing failed; "
                    "130/143: interrupted.")
    synth.add_argument("--env", action="append", default=[], metavar="NAME",
                       help="write the stacks of this configuration (an environment: <env> and each <env>-app-<name>; "
                            "shared: bootstrap and shared); repeatable")
    synth.add_argument("--stack", action="append", default=[], metavar="NAME",
                       help="write this stack (built with the other stacks of its configuration); repeatable")
    synth.add_argument("--no-cache", action="store_true", help="synthesize everything asked for; neither read nor "
                                                               "write the synth cache")
    synth.set_defaults(handler=_synth)

    for name, summary, description in (
        ("plan", "terraform plan of one stack, checked by the plan guard",
         "terraform init + plan -out for one stack; the plan JSON is written next to the plan file and checked by the "
         "plan guard (exit 3 when it deletes or replaces stateful resources of a protected environment)."),
        ("deploy", "plan, guard and apply one stack (or apply a saved plan)",
         "Apply one stack: with --plan, the saved plan, refused (exit 3) unless it was made for this stack's state "
         "and guarded again; otherwise plan, guard and apply. For an application's stack (<env>-app-<name>), --image "
         "sets its image; without it the recorded current image is applied again."),
    ):
        sub = commands.add_parser(name, parents=[common, dry_run], help=summary, description=description)
        sub.add_argument("--env", required=True, help="environment, or shared (platformctl environments lists them)")
        sub.add_argument("--stack", required=True, help="stack name: the environment's own (its platform) or "
                                                        "<env>-app-<name> (one application)")
        sub.add_argument("--app", help="application a bare --image REF is for (apps stacks)")
        sub.add_argument("--image", action="append", default=[], metavar="[APP=]REF",
                         help="image by digest, repository@sha256:<64 hex> (apps stacks; repeatable as APP=REF)")
        sub.add_argument("--change-cause",
                         help="kubernetes.io/change-cause of the rollout (apps stacks; default: the image)")
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
            sub.add_argument("--plan", type=Path,
                             help="apply this saved plan (from platformctl plan) instead of planning")
            sub.set_defaults(handler=_deploy)

    rollback_infra = commands.add_parser(
        "rollback-infra", parents=[common, dry_run], help="restore a stack's state version, then re-apply",
        description="Restore an earlier version of the stack's state object (through terraform state push: locked, "
                    "same lineage, kept as a new version) and re-apply the synthesized configuration through the plan "
                    "guard. The configuration is first planned against a local copy of that version and judged by the "
                    "plan guard; nothing is pushed unless it passes (this runs in --dry-run too: it only reads AWS). "
                    "Synthesize the known-good revision first. List versions with state-versions.")
    rollback_infra.add_argument("--env", required=True, help="environment")
    rollback_infra.add_argument("--stack", required=True, help="stack name")
    rollback_infra.add_argument("--to-version", required=True, metavar="VERSION_ID",
                                help="S3 version id of the state to restore")
    add_guard_arguments(rollback_infra)
    rollback_infra.set_defaults(handler=_rollback_infra)

    versions = commands.add_parser("state-versions", parents=[common],
                                   help="list the stored versions of a stack's state",
                                   description="List the versions of the stack's state object, newest first, for "
                                               "rollback-infra --to-version.")
    versions.add_argument("--env", required=True, help="environment")
    versions.add_argument("--stack", required=True, help="stack name")
    versions.set_defaults(handler=_state_versions)


def _synth(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.synth import prepare_exit, run_synth

    return prepare_exit(run_synth(project.root, str(project.outdir), environments=args.env,
                                              stacks=args.stack, no_cache=args.no_cache))


def _change_for(args: argparse.Namespace, project: Project,
                runner: CommandRunner) -> tuple[Stack, StackChange, dict[str, Release]]:
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
        if not args.plan.is_file():
            raise CliError(ExitCode.USAGE, f"--plan {args.plan}: no such file; write it with platformctl plan")
        change.check_target(args.plan)
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
                 f"-> to be pushed as {restored['serial']})")
    variables = prepare(change, {})  # terraform init, and the records reconciled with the current state
    # judged before anything is pushed: a refusal leaves the current state as it is
    change.judge_against_state(restored, variables.values, overrides)
    with tempfile.TemporaryDirectory(prefix="platformctl-state-") as scratch:
        state_file = Path(scratch) / "restored.tfstate"
        state_file.write_text(json.dumps(restored))
        if runner.run(stack.workdir.state_push(state_file)) is not None:
            progress.say(f"{stack.name}: state version {args.to_version} restored as the current state")
    if change.plan(variables.values, stack.workdir.default_plan, overrides):
        change.apply(stack.workdir.default_plan)
    progress.say(f"{stack.name}: infrastructure rollback " + ("would be complete" if runner.dry_run else "complete"))
    return ExitCode.OK

