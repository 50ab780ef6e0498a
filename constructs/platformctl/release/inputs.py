"""Input variables of an application stack (``<env>-app-<name>``), and where each application runs.

The synthesized JSON never changes per build: the application's image and change cause are
Terraform variables (``image_<app>``, ``change_cause_<app>``, see ``k8s/image_policy.py``), so a
release is ``terraform apply -var image_api=<digest ref> -var change_cause_api=<git sha>``. A plan
that is not a release (``Jenkinsfile-infra`` applying a configuration change) takes both from the
release records, so it keeps the application's running image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from platform_constructs.ci.ci_props import planner_role_arn
from platform_constructs.compute.eks_props import CLUSTER_COMPONENT
from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.k8s.image_policy import change_cause_variable_name, image_variable_name
from platform_constructs.naming import Naming
from platform_constructs.stacks.names import app_stack_name
from platformctl.aws_session import account_session
from platformctl.env_vars import build_note
from platformctl.exit_codes import CliError, ExitCode
from platformctl.process import CommandRunner
from platformctl.progress import Progress
from platformctl.project import Config, Project, Stack
from platformctl.release.image_ref import ImageRef, InvalidImageRef
from platformctl.release.kubectl import Workload
from platformctl.release.records import RecordKind, Release, ReleaseRecords


def apps_of(stack: Stack) -> list[str]:
    """Applications the synthesized stack deploys (those with an image variable)."""
    prefix = image_variable_name("")
    return sorted(name.removeprefix(prefix) for name in stack.variables if name.startswith(prefix))


def release_records(config: Config, *, read_only: bool = False) -> ReleaseRecords:
    """The release records of an environment, read and written in its own account through its deploy
    role; with ``read_only`` through its planner role, which can read them and write nothing."""
    role = planner_role_arn(config.aws.account_id, Naming(config.naming.prefix, config.name)) if read_only else None
    session = account_session(config.aws, f"platformctl-{config.name}", role)
    return ReleaseRecords(session.client("ssm"), config.naming.prefix, config.name)


def pinned_image(text: str, option: str = "--image") -> ImageRef:
    """Parse a digest reference from the command line; refuse tags with the reason."""
    try:
        return ImageRef.pinned(text)
    except InvalidImageRef as error:
        raise CliError(ExitCode.USAGE, f"{option} {error}") from None


def checked_app(env: EnvironmentConfig, app: str) -> str:
    """``app`` if ``env`` configures it (``[apps.<app>]``); otherwise exit 2 naming the known ones."""
    if app not in env.apps:
        raise CliError(ExitCode.USAGE, f"--app {app!r}: not an application of {env.name}; "
                                       f"configured: {', '.join(sorted(env.apps)) or 'none'}")
    return app


def checked_repository(env: EnvironmentConfig, app: str, image: ImageRef, option: str = "--image") -> ImageRef:
    """``image`` if it comes from the application's repository (Terraform's variable validation agrees)."""
    expected = env.apps[app].image_repository
    if image.repository != expected:
        raise CliError(ExitCode.USAGE, f"{option} {image}: {env.name}/{app} takes images from {expected} only")
    return image


@dataclass
class StackVariables:
    """Variables for one plan/apply, and the releases it makes."""

    values: dict[str, str] = field(default_factory=dict)
    changed: dict[str, Release] = field(default_factory=dict)
    records: ReleaseRecords | None = None

    def mark_pending(self, runner: CommandRunner, progress: Progress) -> None:
        """Record every release as pending, just before the apply starts."""
        def record(records: ReleaseRecords, app: str, release: Release) -> None:
            records.record_pending(app, release, build_note())
        self._each(runner, progress, RecordKind.PENDING, record)

    def mark_applied(self, runner: CommandRunner, progress: Progress) -> None:
        """Record every release as current and forget it as pending, once Terraform applied it."""
        def record(records: ReleaseRecords, app: str, release: Release) -> None:
            records.record_release(app, release.image, release.change_cause, build_note())
            records.clear_pending(app)
        self._each(runner, progress, RecordKind.CURRENT, record)

    def _each(self, runner: CommandRunner, progress: Progress, kind: RecordKind,
              write: Callable[[ReleaseRecords, str, Release], None]) -> None:
        if self.records is None:
            return
        for app, release in sorted(self.changed.items()):
            name = self.records.parameter_name(app, kind)
            if runner.dry_run:
                print(f"would record {name} = {release.image} ({release.change_cause})", flush=True)
                continue
            write(self.records, app, release)
            progress.say(f"recorded {name} = {release.image} ({release.change_cause})")


def stack_variables(stack: Stack, releases: dict[str, Release], *, read_only: bool = False) -> StackVariables:
    """Variables for ``stack``: ``releases`` for the named applications, the recorded ones for the rest.

    Reconcile interrupted releases first (:func:`platformctl.release.change.reconcile_pending`):
    the current records must say what the state holds.

    Raises:
        CliError: releases for a stack without applications or for applications it does not
            deploy (2); an application with nothing given and nothing recorded (3).
    """
    apps = apps_of(stack)
    if not apps:
        if releases:
            raise CliError(ExitCode.USAGE,
                           f"--image: stack {stack.name} deploys no application (it has no image variables)")
        return StackVariables()
    unknown = sorted(set(releases) - set(apps))
    if unknown:
        raise CliError(ExitCode.USAGE, f"--app {', '.join(unknown)}: not deployed by {stack.name}; "
                                       f"its application: {', '.join(apps)} (each application has its own stack, "
                                       f"{app_stack_name(stack.config.name, unknown[0])})")
    records = release_records(stack.config, read_only=read_only)
    values: dict[str, str] = {}
    for app in apps:
        release = releases.get(app) or _recorded(records, app)
        values[image_variable_name(app)] = str(release.image)
        values[change_cause_variable_name(app)] = release.change_cause
    return StackVariables(values, dict(releases), records)


def _recorded(records: ReleaseRecords, app: str) -> Release:
    image = records.image(app, RecordKind.CURRENT)
    if image is None:
        raise CliError(ExitCode.REFUSED,
                       f"{records.environment}/{app} has no image: nothing recorded at "
                       f"{records.parameter_name(app, RecordKind.CURRENT)}; pass --image {app}=<repository@sha256:...>")
    return Release(image, records.change_cause(app) or f"re-apply of {image}")


def releases_from_arguments(env: Config, values: list[str], app: str | None,
                            change_cause: str | None) -> dict[str, Release]:
    """``--image [APP=]REF`` (repeatable), ``--app`` and ``--change-cause`` into ``{app: release}``.

    A bare ``REF`` belongs to ``--app``; ``APP=REF`` names its application itself. The change
    cause defaults to the image reference.
    """
    releases: dict[str, Release] = {}
    for value in values:
        name, separator, reference = value.partition("=")
        if not separator:
            if app is None:
                raise CliError(ExitCode.USAGE,
                               f"--image {value}: say which application it is for: --app APP or --image APP=REF")
            name, reference = app, value
        if name in releases:
            raise CliError(ExitCode.USAGE, f"--image: application {name!r} given twice")
        image = pinned_image(reference)
        if isinstance(env, EnvironmentConfig):
            checked_repository(env, checked_app(env, name), image)
        releases[name] = Release(image, change_cause or str(image))
    if app is not None and app not in releases:
        raise CliError(ExitCode.USAGE, f"--app {app}: needs --image REF")
    return releases


def app_stack_of(project: Project, env: EnvironmentConfig, app: str) -> Stack:
    """The synthesized stack of ``app`` in ``env`` (``<env>-app-<app>``)."""
    checked_app(env, app)
    name = app_stack_name(env.name, app)
    if name not in project.stack_names():
        raise CliError(ExitCode.USAGE,
                       f"--app {app!r}: its stack {name} is not in {project.outdir}; run platformctl synth")
    return project.stack(env.name, name)


def workload_of(env: EnvironmentConfig, app: str) -> Workload:
    """Where ``app`` runs: its Deployment (named after it) in the environment's EKS cluster, via the deploy role."""
    return Workload(cluster=Naming(env.naming.prefix, env.name).name(CLUSTER_COMPONENT), region=env.aws.region,
                    namespace=env.apps[checked_app(env, app)].namespace_for(app), deployment=app, container=app,
                    role_arn=env.aws.deploy_role_arn)
