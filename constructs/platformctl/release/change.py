"""One change of a stack with applications, keeping the release records truthful.

Every path that applies an application stack (``deploy``, ``promote``, ``rollback``, and
``Jenkinsfile-infra`` applying a configuration change) goes the same way:

1. ``terraform init``;
2. reconcile: a ``pending-release`` record left by an interrupted release (an abort, a stage
   timeout, a failed apply) is settled against the Terraform state — the state's image becomes
   the current record — before anything reads the records;
3. variables: the given releases, the recorded current image for the rest;
4. for a release, the registry check: the repository's lifecycle policy keeps the image and the
   environment's last good image once the image is tagged ``deployed-<env>-<time>``;
5. plan, plan guard and, for a release, the release scope (only the image and change cause change);
6. the deployed tag added, ``pending-release`` recorded, ``apply``, then ``current-image`` recorded
   and the pending record deleted.

An interruption anywhere leaves at worst a pending record, which step 2 of the next run settles;
the current record never names an image Terraform did not apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_constructs.ci.ci_props import ROLE_VARIABLE, planner_role_arn
from platform_constructs.naming import Naming
from platformctl.aws_session import caller_session
from platformctl.env_vars import build_note
from platformctl.exit_codes import CliError, ExitCode
from platformctl.gates.plan_guard import Override
from platformctl.gates.release_scope import release_scope
from platformctl.image.deployed import Registry, Repository, RetentionRefused, check_retained
from platformctl.process import CommandRunner
from platformctl.progress import Progress
from platformctl.project import Stack
from platformctl.release.image_ref import ImageRef
from platformctl.release.inputs import StackVariables, apps_of, release_records, stack_variables
from platformctl.release.records import RecordKind, Release, ReleaseRecords
from platformctl.terraform.flow import StackChange


def stack_change(stack: Stack, releases: Mapping[str, Release], runner: CommandRunner,
                 progress: Progress) -> StackChange:
    """The change of ``stack``; a release (``releases`` given) must also pass the release scope."""
    gates = tuple(_scope_gate(stack.name, app) for app in sorted(releases))
    return StackChange(stack, runner, progress, gates)


def prepare(change: StackChange, releases: dict[str, Release], *, read_only: bool = False) -> StackVariables:
    """``terraform init``, reconciliation of interrupted releases, then the variables of the plan.

    Without an interrupted release the variables are settled before ``terraform init``, so a
    refusal (nothing recorded, nothing given) runs no Terraform at all. A ``read_only`` plan (the
    planner role: it reads records and state, writes neither) reconciles nothing and plans with
    the planner role.
    """
    stack = change.stack
    records = release_records(stack.config, read_only=read_only) if apps_of(stack) else None
    interrupted = records is not None and any(records.pending(app) for app in apps_of(stack))
    if interrupted and not read_only:
        change.init()
        reconcile_pending(change)
    variables = stack_variables(stack, releases, read_only=read_only)
    if read_only:
        variables.values[ROLE_VARIABLE] = planner_role_arn(
            stack.config.aws.account_id, Naming(stack.config.naming.prefix, stack.config.name))
    if read_only or not interrupted:
        change.init()
    return variables


def plan_and_apply(change: StackChange, variables: StackVariables, plan_file: Path,
                   overrides: tuple[Override, ...]) -> None:
    """Registry check, plan (guarded), then apply with the deployed tags and release records written around it."""
    tags = [_checked_tag(change, variables, app, release) for app, release in sorted(variables.changed.items())]
    if change.plan(variables.values, plan_file, overrides):
        for tag in tags:
            tag.add(change.runner, change.progress)
        variables.mark_pending(change.runner, change.progress)
        change.apply(plan_file)
    variables.mark_applied(change.runner, change.progress)


@dataclass(frozen=True)
class _DeployedTag:
    registry: Registry
    digest: str
    tag: str

    def add(self, runner: CommandRunner, progress: Progress) -> None:
        where = f"{self.registry.repository.name}@{self.digest}"
        if runner.dry_run:
            print(f"would tag {where} {self.tag}", flush=True)
            return
        self.registry.add_tag(self.digest, self.tag)
        progress.say(f"tagged {where} {self.tag}")


def _checked_tag(change: StackChange, variables: StackVariables, app: str, release: Release) -> _DeployedTag:
    """The deployed tag of ``release``, once the registry's lifecycle policy is known to keep what the release needs."""
    try:
        repository = Repository.of(release.image)
    except ValueError as error:
        raise CliError(ExitCode.USAGE, f"--image {release.image}: {error}") from None
    registry = Registry(caller_session(repository.region).client("ecr"), repository)
    last_good = variables.records.image(app, RecordKind.LAST_GOOD) if variables.records is not None else None
    try:
        tag = check_retained(registry, change.stack.config.name, release.image, last_good, datetime.now(UTC))
    except RetentionRefused as error:
        raise CliError(ExitCode.REFUSED, f"{change.stack.name}: {error}; nothing was applied") from None
    return _DeployedTag(registry, release.image.digest or "", tag)


def reconcile_pending(change: StackChange) -> None:
    """Settle every pending release of the stack's applications against the state's outputs.

    The state's ``<app>_image`` output is what Terraform last applied: it becomes the current
    record (with the pending change cause when the pending image made it into the state); without
    one, the application was never deployed and only the pending record goes.
    """
    stack = change.stack
    apps = apps_of(stack)
    if not apps:
        return
    records = release_records(stack.config)
    for app in apps:
        pending = records.pending(app)
        if pending is None:
            continue
        name = records.parameter_name(app, RecordKind.PENDING)
        change.progress.say(f"{stack.name}: {name} = {pending.image}: a release that did not finish; "
                            "reconciling the records with the Terraform state")
        outputs = change.outputs()
        if outputs is None:
            print(f"would set {records.parameter_name(app, RecordKind.CURRENT)} to the image in {stack.name}'s state "
                  f"and delete {name}", flush=True)
            continue
        _settle(records, app, pending, outputs.get(f"{app}_image"), change.progress)


def _settle(records: ReleaseRecords, app: str, pending: Release, state_image: str | None, progress: Progress) -> None:
    if state_image:
        image = ImageRef.pinned(state_image)
        cause = _cause_of(records, app, image, pending)
        records.record_release(app, image, cause, build_note() + " (reconciled with the state)")
        progress.say(f"{records.parameter_name(app, RecordKind.CURRENT)} = {image}, as in the state "
                     f"({'the interrupted release was applied' if image == pending.image else 'it was not applied'})")
    else:
        progress.say(f"{records.environment}/{app}: nothing in the state; the interrupted release created nothing")
    records.clear_pending(app)


def _cause_of(records: ReleaseRecords, app: str, image: ImageRef, pending: Release) -> str:
    if image == pending.image:
        return pending.change_cause
    if image == records.image(app, RecordKind.CURRENT):
        return records.change_cause(app) or f"re-apply of {image}"
    return f"reconciled with the state: {image}"


def refuse_while_pending(records: ReleaseRecords, app: str, action: str) -> None:
    """Refuse (exit 3) ``action`` while an interrupted release of ``app`` is not reconciled."""
    pending = records.pending(app)
    if pending is not None:
        raise CliError(ExitCode.REFUSED,
                       f"{records.environment}/{app}: {records.parameter_name(app, RecordKind.PENDING)} names a "
                       f"release of {pending.image} that did not finish; the records may not match the cluster, so "
                       f"{action} is refused. Run `platformctl rollback --env {records.environment} --app {app}` "
                       "(or deploy again), which reconciles them with the Terraform state first")


def _scope_gate(stack: str, app: str):  # type: ignore[no-untyped-def]
    def gate(plan: Mapping[str, Any]) -> None:
        problems = release_scope(plan, app)
        if problems:
            raise CliError(ExitCode.REFUSED,
                           f"{stack}: the plan changes more than the release of {app} (its image and change cause):\n"
                           + "\n".join(f"  - {problem}" for problem in problems)
                           + "\nconfiguration changes go through Jenkinsfile-infra (platformctl plan/deploy --stack "
                             f"{stack} without --image); nothing was applied")
    return gate
