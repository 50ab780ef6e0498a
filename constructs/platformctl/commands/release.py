"""Release subcommands: promote, rollback, undo, findings, verify, record-good, releases, revision,
record-revision, app-url.

Applications move between environments only as digest references, and only from a state the
records vouch for: promotion takes the image the source environment runs *and* last verified;
rollback re-applies the last verified image through Terraform, so the state stays truthful.
"""

from __future__ import annotations

import argparse
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any

from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.policy.policy_props import MIN_REASON_LENGTH
from platformctl.aws_session import account_session, caller_session
from platformctl.env_vars import build_note
from platformctl.exit_codes import CliError, ExitCode
from platformctl.gates.plan_guard import Override
from platformctl.image.deployed import Registry, Repository, RetentionRefused, check_main_build
from platformctl.process import CommandFailed, CommandRunner
from platformctl.progress import Progress
from platformctl.project import Project
from platformctl.release.change import plan_and_apply, prepare, refuse_while_pending, stack_change
from platformctl.release.evidence import evidence_for, read_states, wait_for_ok
from platformctl.release.findings import open_findings
from platformctl.release.health import CheckResult, smoke
from platformctl.release.image_ref import ImageRef
from platformctl.release.inputs import (
    app_stack_of,
    checked_app,
    checked_repository,
    pinned_image,
    release_records,
    workload_of,
)
from platformctl.release.kubectl import Workload
from platformctl.release.records import COMMIT, RecordKind, Release, ReleaseRecords
from platformctl.terraform.flow import add_guard_arguments, guard_overrides

#: ``rollback --to`` keyword for the last verified image.
LAST_GOOD = "last-good"
#: ``verify`` defaults: kubectl rollout status timeout, smoke requests and the pause between them (seconds).
#: The pipelines' stage timeouts are sized from them (tests/cicd/budgets.py).
ROLLOUT_TIMEOUT_SECONDS = 300
SMOKE_ATTEMPTS = 5
SMOKE_INTERVAL_SECONDS = 30
SMOKE_REQUEST_TIMEOUT_SECONDS = 10


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,  # noqa: PLR0915 - one line per option
             dry_run: argparse.ArgumentParser) -> None:
    """Add the release subcommands; ``common`` and ``dry_run`` are shared option groups."""

    promote = commands.add_parser(
        "promote", parents=[common, dry_run], help="deploy the image verified in one environment to the next",
        description="Deploy to --to exactly the image (by digest) that --from runs and last verified. Refused "
                    "(exit 3) when --to does not take promotions from --from ([release].promote_from), when the "
                    "source runs an unverified image, or not --expect-image.")
    promote.add_argument("--from", dest="source", required=True, help="source environment, e.g. dev")
    promote.add_argument("--to", dest="target", required=True, help="target environment, e.g. staging")
    promote.add_argument("--app", required=True, help="application")
    promote.add_argument("--expect-image", help="refuse unless the source runs this image (the build's own digest)")
    promote.add_argument("--change-cause", help="kubernetes.io/change-cause of the rollout (default: the image)")
    promote.add_argument("--allow-findings", action="store_true",
                         help="promote despite open critical Inspector findings where [release] refuse_open_findings "
                              "is on; needs --reason (printed in the log)")
    add_guard_arguments(promote)
    promote.set_defaults(handler=_promote)

    rollback = commands.add_parser(
        "rollback", parents=[common, dry_run], help="re-apply the last good image through Terraform",
        description="Re-apply the application's last good image (or --to REF) through Terraform, which keeps the "
                    "state truthful. --break-glass first runs kubectl rollout undo (fastest, but the IaC re-apply "
                    "must follow; exit 5 when it did not complete).")
    rollback.add_argument("--env", required=True, help="environment")
    rollback.add_argument("--app", required=True, help="application")
    rollback.add_argument("--to", dest="to_image", default=LAST_GOOD, metavar="REF|last-good",
                          help="image by digest to return to, or last-good "
                               "(default: last-good, the last verified image)")
    rollback.add_argument("--break-glass", action="store_true",
                          help="kubectl rollout undo first, then the Terraform re-apply")
    rollback.add_argument("--change-cause",
                          help="kubernetes.io/change-cause of the rollout (default: rollback to <image>)")
    add_guard_arguments(rollback)
    rollback.set_defaults(handler=_rollback)

    undo = commands.add_parser(
        "undo", parents=[common, dry_run], help="break glass: kubectl rollout undo, no Terraform and no synth",
        description="Return the application's Deployment to its previous revision with kubectl alone (no synthesized "
                    "stack, no Terraform state or lock), and wait for the rollout. The Terraform re-apply "
                    "(platformctl rollback) must follow: until it does, the records name a pending release and "
                    "verify, promote and record-good refuse.")
    undo.add_argument("--env", required=True, help="environment")
    undo.add_argument("--app", required=True, help="application")
    undo.add_argument("--rollout-timeout", type=_positive_int, default=ROLLOUT_TIMEOUT_SECONDS, metavar="SECONDS",
                      help=f"kubectl rollout status timeout (default: {ROLLOUT_TIMEOUT_SECONDS})")
    undo.set_defaults(handler=_undo_command)

    findings = commands.add_parser(
        "findings", parents=[common], help="open critical Inspector findings of the images an environment runs",
        description="For each application of --env (or --app), the image its release records say runs, and the open "
                    "critical Amazon Inspector findings on that image (by digest, in the registry account). Exit 4 "
                    "when a running image has one: roll back, or build and promote a fixed image.")
    findings.add_argument("--env", required=True, help="environment")
    findings.add_argument("--app", help="one application (default: every application of the environment)")
    findings.set_defaults(handler=_findings)

    verify = commands.add_parser(
        "verify", parents=[common, dry_run], help="post-deployment validation of one application",
        description="Rollout complete, the Deployment runs the recorded image, the smoke URL answers 2xx and none "
                    "of the application's own alarms, nor the platform alarms of the data stores critical for it, is "
                    "in ALARM (another application's or data store's alarm never fails it); with --observe, the last "
                    "two keep being checked for that long. After a rollback (--after-rollback) it first waits, at "
                    "most the time the alarms' windows need to clear, for them to return to OK. Exit 4 when a check "
                    "fails, naming the alarm.")
    verify.add_argument("--env", required=True, help="environment")
    verify.add_argument("--app", required=True, help="application")
    verify.add_argument("--smoke-url", help="URL that must answer 2xx (e.g. the application's health endpoint)")
    verify.add_argument("--rollout-timeout", type=_positive_int, default=ROLLOUT_TIMEOUT_SECONDS, metavar="SECONDS",
                        help=f"kubectl rollout status timeout (default: {ROLLOUT_TIMEOUT_SECONDS})")
    verify.add_argument("--observe", type=_non_negative_float, default=0.0, metavar="SECONDS",
                        help="keep checking alarms and the smoke URL for this long (default: 0, once)")
    verify.add_argument("--interval", type=_positive_float, default=float(SMOKE_INTERVAL_SECONDS), metavar="SECONDS",
                        help=f"pause between observations and smoke attempts (default: {SMOKE_INTERVAL_SECONDS})")
    verify.add_argument("--smoke-attempts", type=_positive_int, default=SMOKE_ATTEMPTS, metavar="N",
                        help=f"smoke requests before the check fails (default: {SMOKE_ATTEMPTS})")
    verify.add_argument("--after-rollback", action="store_true",
                        help="wait for the application's alarms to return to OK before judging (bounded by "
                             "--settle-timeout)")
    verify.add_argument("--settle-timeout", type=_non_negative_float, metavar="SECONDS",
                        help="longest wait of --after-rollback (default: the alarms' clearing time, from their "
                             "windows)")
    verify.add_argument("--record-good", action="store_true",
                        help="when every check passes, record the verified image as the last good one")
    verify.set_defaults(handler=_verify)

    record = commands.add_parser(
        "record-good", parents=[common], help="record the image that passed verification as the last good one",
        description="Write /{prefix}/{env}/apps/{app}/last-good-image. Refused (exit 3) unless the image is the one "
                    "the environment currently runs.")
    record.add_argument("--env", required=True, help="environment")
    record.add_argument("--app", required=True, help="application")
    record.add_argument("--image", required=True, help="image by digest, repository@sha256:<64 hex>")
    record.set_defaults(handler=_record_good)

    releases = commands.add_parser("releases", parents=[common], help="show an application's release records",
                                   description="Current image, last good image and the history of good images.")
    releases.add_argument("--env", required=True, help="environment")
    releases.add_argument("--app", required=True, help="application")
    releases.set_defaults(handler=_releases)

    revision = commands.add_parser(
        "revision", parents=[common], help="print the platform revision an environment last applied",
        description="Print the commit of this repository whose configuration Jenkinsfile-infra last applied to the "
                    "environment (/{prefix}/{env}/platform-revision). Releases and rollbacks check it out and "
                    "synthesize from it. Exit 3 when none is recorded yet.")
    revision.add_argument("--env", required=True, help="environment (platformctl environments lists them)")
    revision.set_defaults(handler=_revision)

    checkout = commands.add_parser(
        "checkout-revision", parents=[common, dry_run], help="check out and synthesize the revision to deploy",
        description="Check out, as a git worktree at --into, the revision of this repository to deploy: the one "
                    "--env last applied (its platform-revision record), or --ref, which must be an ancestor of "
                    "--main-ref (the main branch, fetched) or tagged (exit 3 otherwise); then synthesize it with "
                    "its own code. Run the following platformctl commands inside --into. Prints the commit.")
    source = checkout.add_mutually_exclusive_group(required=True)
    source.add_argument("--env", help="environment whose recorded platform revision to check out")
    source.add_argument("--ref", help="commit or tag to check out (infrastructure rollback)")
    checkout.add_argument("--main-ref", default="refs/remotes/origin/main",
                          help="the main branch as fetched, for --ref (default: refs/remotes/origin/main)")
    checkout.add_argument("--into", type=Path, required=True, metavar="DIR", help="worktree directory to create")
    checkout.add_argument("--no-synth", action="store_true", help="only check out")
    checkout.set_defaults(handler=_checkout_revision)

    record_revision = commands.add_parser(
        "record-revision", parents=[common, dry_run], help="record the platform revision an environment now runs",
        description="Write /{prefix}/{env}/platform-revision: the commit whose configuration was just applied to every "
                    "stack of the environment (Jenkinsfile-infra, after its last apply of the environment).")
    record_revision.add_argument("--env", required=True, help="environment (platformctl environments lists them)")
    record_revision.add_argument("--revision", required=True, metavar="COMMIT",
                                 help="full 40-character commit id (git rev-parse HEAD)")
    record_revision.set_defaults(handler=_record_revision)

    url = commands.add_parser(
        "app-url", parents=[common], help="print an application's HTTPS address from the configuration",
        description="Print https://<host><path> of --app in --env, the host its [apps.<name>.ingress] entry gives "
                    "(default <app>.<dns.domain>: the host its certificate, load-balancer rule and DNS records are "
                    "made for); with --health-check, of the path the load balancer checks (ingress.health_check_path, "
                    "else the readiness probe's). Pipelines ask for the address instead of composing it. An "
                    "application without an entry is refused (exit 2).")
    url.add_argument("--env", required=True, help="application environment")
    url.add_argument("--app", required=True, help="application")
    path = url.add_mutually_exclusive_group()
    path.add_argument("--path", default="", help="path to append, starting with '/' (default: none)")
    path.add_argument("--health-check", action="store_true",
                      help="append the application's health-check path (what the smoke checks call)")
    url.set_defaults(handler=_app_url)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a positive whole number")
    return value


def _positive_float(text: str) -> float:
    value = _non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be greater than 0")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must not be negative")
    return value


def _deploy_release(project: Project, env: EnvironmentConfig, app: str, release: Release,
                    overrides: tuple[Override, ...], runner: CommandRunner, progress: Progress) -> None:
    """Plan (guarded, release scope checked) and apply ``release`` in the application's own stack."""
    stack = app_stack_of(project, env, app)
    change = stack_change(stack, {app: release}, runner, progress)
    variables = prepare(change, {app: release})
    plan_and_apply(change, variables, stack.workdir.default_plan, overrides)


def _promote(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    progress = Progress()
    source = project.environment(args.source, "--from")
    target = project.environment(args.target, "--to")
    if source.name == target.name:
        raise CliError(ExitCode.USAGE,
                       f"--from and --to are both {source.name!r}; promotion moves between environments")
    if source.name not in target.release.promote_from:
        allowed = ", ".join(target.release.promote_from) or "no environment (it is deployed directly)"
        raise CliError(ExitCode.REFUSED, f"--from {source.name}: {target.name} takes promotions from {allowed} "
                                         "only ([release].promote_from)")
    checked_app(target, checked_app(source, args.app))
    expected = pinned_image(args.expect_image, "--expect-image") if args.expect_image else None
    overrides = guard_overrides(args)
    records = release_records(source)
    refuse_while_pending(records, args.app, f"promoting from {source.name}")
    current = records.image(args.app, RecordKind.CURRENT)
    good = records.image(args.app, RecordKind.LAST_GOOD)
    where = f"{source.name}/{args.app}"
    if current is None or good is None:
        missing = records.parameter_name(args.app, RecordKind.CURRENT if current is None else RecordKind.LAST_GOOD)
        raise CliError(ExitCode.REFUSED,
                       f"{where}: nothing recorded at {missing}; deploy and verify it in {source.name} first")
    if current != good:
        raise CliError(ExitCode.REFUSED, f"{where} runs {current}, but its last verified image is {good}: "
                                         f"verify {source.name} and record-good before promoting")
    if expected is not None and expected != current:
        raise CliError(ExitCode.REFUSED, f"{where} runs {current}, not --expect-image {args.expect_image}: "
                                         "another release reached it; this build's image is no longer the one "
                                         "to promote")
    progress.say(f"{'would promote' if runner.dry_run else 'promoting'} {args.app} {current} from {source.name} "
                 f"(current and last good) to {target.name}")
    checked_repository(target, args.app, current, f"{source.name}'s image")
    _require_main_build(current)
    if target.release.refuse_open_findings:
        _refuse_open_findings(current, f"{target.name}/{args.app}", _findings_override(args), progress)
    release = Release(current, args.change_cause or f"promote {current} from {source.name}")
    _deploy_release(project, target, args.app, release, overrides, runner, progress)
    progress.say(f"{target.name}/{args.app} {'would run' if runner.dry_run else 'now runs'} {current}")
    return ExitCode.OK


def _require_main_build(image: ImageRef) -> None:
    repository = Repository.of(image)
    try:
        check_main_build(Registry(caller_session(repository.region).client("ecr"), repository), image)
    except RetentionRefused as error:
        raise CliError(ExitCode.REFUSED, str(error)) from None


def _findings_override(args: argparse.Namespace) -> str | None:
    """The reason of ``--allow-findings`` (the one ``--reason`` of the command), or ``None`` without it."""
    if not args.allow_findings:
        return None
    reasons: list[str] = [reason.strip() for reason in args.reason if reason.strip()]
    if len(reasons) != 1 or len(reasons[0]) < MIN_REASON_LENGTH:
        raise CliError(ExitCode.USAGE, f"--allow-findings needs one --reason TEXT of at least {MIN_REASON_LENGTH} "
                                       "characters saying why the image may run despite its findings")
    return reasons[0]


def _inspector(image: ImageRef) -> Any:
    """Amazon Inspector of the registry account that holds ``image`` (enhanced scanning runs there)."""
    return caller_session(Repository.of(image).region).client("inspector2")


def _refuse_open_findings(image: ImageRef, where: str, override: str | None, progress: Progress) -> None:
    """Refuse (exit 3) an image with open critical findings, unless ``override`` gives the reason (then logged)."""
    found = open_findings(_inspector(image), image)
    if not found:
        progress.say(f"no open critical Inspector finding on {image}")
        return
    listed = "; ".join(str(finding) for finding in found)
    if override is None:
        raise CliError(ExitCode.REFUSED, f"{where}: {image} has {len(found)} open critical Inspector finding(s): "
                                         f"{listed}. Build a fixed image, or pass --allow-findings --reason TEXT")
    progress.say(f"OVERRIDE --allow-findings for {where}: {image} has {len(found)} open critical finding(s) "
                 f"({listed}); reason: {override}")


def _findings(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    env = project.environment(args.env)
    apps = [checked_app(env, args.app)] if args.app else sorted(env.apps)
    records = release_records(env)
    affected = 0
    for app in apps:
        image = records.image(app, RecordKind.CURRENT)
        if image is None:
            print(f"{env.name}/{app}: nothing deployed ({records.parameter_name(app, RecordKind.CURRENT)})")
            continue
        found = open_findings(_inspector(image), image)
        affected += bool(found)
        print(f"{env.name}/{app}: {image}: " + (f"{len(found)} open critical finding(s)" if found else "none open"))
        for finding in found:
            print(f"  {finding}")
    if affected:
        raise CliError(ExitCode.CHECK_FAILED, f"{affected} running image(s) of {env.name} have open critical "
                                              "findings: roll back or promote a fixed image")
    return ExitCode.OK


def _rollback(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    progress = Progress()
    env = project.environment(args.env)
    checked_app(env, args.app)
    explicit = None if args.to_image == LAST_GOOD else checked_repository(
        env, args.app, pinned_image(args.to_image, "--to"), "--to")
    overrides = guard_overrides(args)
    records = release_records(env)
    image = explicit if explicit is not None else records.image(args.app, RecordKind.LAST_GOOD)
    if image is None:
        raise CliError(ExitCode.REFUSED, f"{env.name}/{args.app}: no last good image recorded at "
                                         f"{records.parameter_name(args.app, RecordKind.LAST_GOOD)}; pass --to REF")
    progress.say(f"{'would roll' if runner.dry_run else 'rolling'} {env.name}/{args.app} back to {image}")
    release = Release(image, args.change_cause or f"rollback to {image}")
    if not args.break_glass:
        _deploy_release(project, env, args.app, release, overrides, runner, progress)
        progress.say(f"{env.name}/{args.app} {'would be rolled' if runner.dry_run else 'rolled'} back to {image}")
        return ExitCode.OK
    _undo(env, args.app, runner, progress)
    try:
        _deploy_release(project, env, args.app, release, overrides, runner, progress)
    except (CliError, CommandFailed) as error:
        detail = error.message if isinstance(error, CliError) else str(error)
        raise CliError(ExitCode.REAPPLY_PENDING,
                       f"{detail}\nthe cluster runs the undone revision but Terraform still holds the previous image: "
                       f"re-run `platformctl rollback --env {env.name} --app {args.app} --to {image}` "
                       "until it succeeds") from None
    progress.say(f"{env.name}/{args.app} would be rolled back to {image} (undo, then the Terraform re-apply)"
                 if runner.dry_run
                 else f"{env.name}/{args.app} rolled back to {image}; cluster and Terraform state agree")
    return ExitCode.OK


def _undo_command(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    progress = Progress()
    env = project.environment(args.env)
    checked_app(env, args.app)
    _undo(env, args.app, runner, progress, rollout_timeout=args.rollout_timeout)
    print(f"Terraform still holds the image of the undone release: the re-apply must follow, "
          f"`platformctl rollback --env {env.name} --app {args.app}`", flush=True)
    return ExitCode.OK


def _undo(env: EnvironmentConfig, app: str, runner: CommandRunner, progress: Progress,
          rollout_timeout: int = ROLLOUT_TIMEOUT_SECONDS) -> None:
    """``kubectl rollout undo`` and its rollout status: the cluster returns to the previous revision with no
    Terraform, no synthesized stack and no state lock involved.

    The image the cluster then runs is recorded as a pending release: until the Terraform re-apply
    reconciles the records, verification, promotion and record-good refuse.
    """
    workload = workload_of(env, app)
    runner.run(workload.update_kubeconfig())
    runner.run(workload.rollout_undo())
    runner.run(workload.rollout_status(timeout_seconds=rollout_timeout))
    shown = runner.run(workload.running_image(), capture=True)
    undone = "would be undone" if runner.dry_run else "undone"
    progress.say(f"break-glass: {env.name}/{app} {undone} with kubectl rollout undo; "
                 "the Terraform re-apply must follow")
    if shown is None:
        return
    records = release_records(env)
    running = ImageRef.parse(shown.stdout.strip())
    if running.digest is not None:
        records.record_pending(app, Release(ImageRef.pinned(str(running)), "break-glass kubectl rollout undo"),
                               build_note())
        progress.say(f"recorded {records.parameter_name(app, RecordKind.PENDING)} = {running}")


def _check_smoke_url(url: str | None) -> None:
    if url is None:
        return
    if not url.strip():
        # e.g. "$(platformctl app-url ...)" whose lookup failed: skipping the smoke check would pass unseen
        raise CliError(ExitCode.USAGE, "--smoke-url is empty; give the URL (platformctl app-url --health-check) "
                                       "or leave the option out")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # urllib would also open file:, ftp: and data: URLs, which prove nothing about the service
        raise CliError(ExitCode.USAGE, f"--smoke-url {url!r}: must be an http:// or https:// URL with a host "
                                       "(platformctl app-url --health-check)")


def _verify(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    progress = Progress()
    _check_smoke_url(args.smoke_url)
    env = project.environment(args.env)
    checked_app(env, args.app)
    records = release_records(env)
    refuse_while_pending(records, args.app, "verification")
    expected = records.image(args.app, RecordKind.CURRENT)
    if expected is None:
        raise CliError(ExitCode.REFUSED, f"{env.name}/{args.app}: nothing deployed according to "
                                         f"{records.parameter_name(args.app, RecordKind.CURRENT)}")
    workload = workload_of(env, args.app)
    results = [*_cluster_checks(workload, expected, args.rollout_timeout, runner)]
    cloudwatch = account_session(env.aws, f"platformctl-{env.name}").client("cloudwatch")
    evidence = evidence_for(env, args.app)
    progress.say(f"judging {evidence.describe()}")
    if args.after_rollback:
        bound = evidence.clear_seconds if args.settle_timeout is None else args.settle_timeout
        states = wait_for_ok(cloudwatch, evidence, timeout_seconds=bound, interval_seconds=min(args.interval, 15.0),
                             say=progress.say)
        if states.firing:
            progress.say(f"still in ALARM after waiting {bound:.0f} s for the alarms to clear")
    deadline = time.monotonic() + args.observe
    while True:
        round_results = [read_states(cloudwatch, evidence).result(evidence)]
        if args.smoke_url:
            round_results.append(smoke(args.smoke_url, attempts=args.smoke_attempts, interval_seconds=args.interval,
                                       timeout_seconds=SMOKE_REQUEST_TIMEOUT_SECONDS))
        for result in round_results:
            progress.say(str(result))
        results += round_results
        if not all(r.ok for r in round_results) or time.monotonic() + args.interval > deadline:
            break
        time.sleep(args.interval)
    failed = [r for r in results if not r.ok]
    if failed:
        raise CliError(ExitCode.CHECK_FAILED, f"{env.name}/{args.app} failed verification: " +
                       "; ".join(f"{r.name}: {r.detail}" for r in failed))
    if runner.dry_run:
        progress.say(f"{env.name}/{args.app}: the checks that only read passed; rollout status and the running image "
                     f"would be checked against {expected}")
    else:
        progress.say(f"{env.name}/{args.app} verified ({expected})")
    if args.record_good:
        _write_good(records, args.app, expected, runner)
    return ExitCode.OK


def _cluster_checks(workload: Workload, expected: ImageRef, timeout: int, runner: CommandRunner) -> list[CheckResult]:
    """Rollout status and the running image; in dry-run only the commands are shown."""
    runner.run(workload.update_kubeconfig())
    try:
        runner.run(workload.rollout_status(timeout))
    except CommandFailed as error:
        return [CheckResult("rollout", False, str(error))]
    shown = runner.run(workload.running_image(), capture=True)
    if shown is None:
        return []
    running = shown.stdout.strip()
    ok = running == str(expected) or ImageRef.parse(running) == expected
    return [CheckResult("rollout", True, "complete"),
            CheckResult("image", ok, f"Deployment runs {running}" + ("" if ok else f", records say {expected}"))]


def _record_good(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    env = project.environment(args.env)
    image = pinned_image(args.image)
    checked_app(env, args.app)
    records = release_records(env)
    refuse_while_pending(records, args.app, "record-good")
    current = records.image(args.app, RecordKind.CURRENT)
    if current != image:
        raise CliError(ExitCode.REFUSED, f"{env.name}/{args.app} runs {current or 'nothing recorded'}, not {image}: "
                                         "only the deployed image can be recorded as good")
    _write_good(records, args.app, image, runner)
    return ExitCode.OK


def _write_good(records: ReleaseRecords, app: str, image: ImageRef, runner: CommandRunner) -> None:
    name = records.parameter_name(app, RecordKind.LAST_GOOD)
    if runner.dry_run:
        print(f"would record {name} = {image}")
        return
    version = records.record_good(app, image, note=build_note())
    print(f"{name} = {image} (version {version})")


def _releases(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    env = project.environment(args.env)
    checked_app(env, args.app)
    records = release_records(env)
    pending = records.pending(args.app)
    if pending is not None:
        print(f"{RecordKind.PENDING.value}: {pending.image} ({pending.change_cause}): did not finish; the next deploy "
              "or rollback reconciles it with the Terraform state")
    print(f"{RecordKind.CURRENT.value}: {records.image(args.app, RecordKind.CURRENT) or '(none)'}")
    print(f"{RecordKind.CHANGE_CAUSE.value}: {records.change_cause(args.app) or '(none)'}")
    print(f"{RecordKind.LAST_GOOD.value}: {records.image(args.app, RecordKind.LAST_GOOD) or '(none)'}")
    print("good images, oldest first:")
    for version, image, note in records.history(args.app, RecordKind.LAST_GOOD):
        print(f"  v{version}  {image}  {note}")
    return ExitCode.OK


def _revision(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    records = release_records(project.config(args.env))
    commit = records.platform_revision()
    if commit is None:
        raise CliError(ExitCode.REFUSED, f"{args.env}: nothing recorded at {records.platform_revision_name()}; "
                                         "Jenkinsfile-infra records it when it has applied the environment")
    print(commit)
    return ExitCode.OK


def _record_revision(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    if not COMMIT.match(args.revision):
        raise CliError(ExitCode.USAGE, f"--revision {args.revision!r}: must be a full 40-character commit id "
                                       "(git rev-parse HEAD)")
    records = release_records(project.config(args.env))
    name = records.platform_revision_name()
    if runner.dry_run:
        print(f"would record {name} = {args.revision}")
        return ExitCode.OK
    version = records.record_platform_revision(args.revision, build_note())
    print(f"{name} = {args.revision} (version {version})")
    return ExitCode.OK


def _checkout_revision(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platformctl.release.revisions import RevisionRefused, add_worktree, reviewed_commit, synth_in

    if args.env is not None:
        records = release_records(project.config(args.env))
        commit = records.platform_revision()
        if commit is None:
            raise CliError(ExitCode.REFUSED, f"{args.env}: nothing recorded at {records.platform_revision_name()}; "
                                             "Jenkinsfile-infra records it when it has applied the environment")
    else:
        try:
            commit = reviewed_commit(project.root, args.ref, args.main_ref)
        except RevisionRefused as error:
            raise CliError(ExitCode.REFUSED, str(error)) from None
    into = args.into.resolve()
    if runner.dry_run:
        print(f"would check out {commit} into {into}" + ("" if args.no_synth else " and synthesize it"))
        return ExitCode.OK
    try:
        add_worktree(project.root, commit, into)
    except subprocess.CalledProcessError as error:
        raise CliError(ExitCode.FAILED, f"git could not check out {commit} into {into}: "
                                        f"{(error.stderr or '').strip() or error}") from None
    if not args.no_synth and synth_in(into) != 0:
        raise CliError(ExitCode.FAILED, f"synth of {commit} in {into} failed (see above)")
    print(commit)
    return ExitCode.OK


def _app_url(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    from platform_constructs.config.urls import NoEntryError, app_url

    env = project.environment(args.env)
    workload = env.apps.get(args.app)
    path = (workload.health_check_path or "") if args.health_check and workload is not None else args.path
    try:
        print(app_url(env, args.app, path))
    except NoEntryError as problem:
        raise CliError(ExitCode.USAGE, f"--app {args.app}: {problem}") from None
    except ValueError as problem:
        raise CliError(ExitCode.USAGE, f"--path: {problem}") from None
    return ExitCode.OK
