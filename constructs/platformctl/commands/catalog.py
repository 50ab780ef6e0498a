"""Catalog subcommands: what the configuration holds, for the pipelines (environments, applications).

The pipelines never list environments or applications themselves, nor compose an application's
URL: they read these commands' output, so adding an environment file or an application makes it
deployable with no pipeline edit, and a host set in ``[apps.<name>.ingress]`` is the one they call.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from typing import Any

from platform_constructs.config.schema import EnvironmentConfig
from platform_constructs.config.urls import NoEntryError, app_url
from platform_constructs.stacks.names import (
    SHARED_STACK,
    app_stack_name,
    cluster_config_stack_name,
    environment_order,
    platform_stack_name,
)
from platformctl.exit_codes import ExitCode
from platformctl.process import CommandRunner
from platformctl.project import Project


def platform_lock(target: str) -> str:
    """The Jenkins lock of a deployment target's platform (or shared) stack: ``platform-<target>``."""
    return f"platform-{target}"


def app_lock(environment: str, app: str) -> str:
    """The Jenkins lock of one application in one environment: ``app-<env>-<app>``.

    Releases, rollbacks and the infrastructure pipeline's applies of the application's stack all
    take it, so they never interleave; nothing else does, so a rollback of one application never
    waits behind another application or an infrastructure change of the platform.
    """
    return f"app-{environment}-{app}"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add the catalog subcommands (read-only: ``dry_run`` is unused)."""
    for name, summary, description, handler in (
        ("environments", "list the environments and their stacks, in promotion order",
         "The environments of environments/*.toml in promotion order (each after the ones it takes promotions "
         "from), one per line; with --json every deployment target (shared first, then the environments) with its "
         "tier, protection, approvers, stacks (platform, cluster configuration, applications) and their Jenkins "
         "locks. The pipelines read this list: adding an environment file makes the environment deployable.",
         _environments),
        ("applications", "list the applications, their sources and environments",
         "Every application of any environment, one per line; with --json its source repository and main branch "
         "([ci.applications] in shared.toml), the environments that run it, in promotion order, and its URL in "
         "each of them that has an [apps.<name>.ingress] entry. The release jobs take APP_REPO from here.",
         _applications),
    ):
        listing = commands.add_parser(name, parents=[common], help=summary, description=description)
        listing.add_argument("--json", action="store_true", help="print the full description as JSON")
        listing.set_defaults(handler=handler)


def _environments(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    platform = project.platform
    order = environment_order(platform)
    if not args.json:
        print("\n".join(order))
        return ExitCode.OK
    approvers = platform.shared.ci.approvers
    shared = platform.shared
    targets: list[dict[str, Any]] = [{
        "name": shared.name, "kind": "shared", "tier": shared.tier, "protected": shared.plan_guard.protected,
        "approvers": approvers.get(shared.tier), "promote_from": [], "platform_stack": SHARED_STACK,
        "lock": platform_lock(SHARED_STACK), "cluster_config": None, "apps": {},
    }]
    targets += [_environment(platform.environments[name], approvers) for name in order]
    print(json.dumps({"targets": targets}, indent=2))
    return ExitCode.OK


def _environment(env: EnvironmentConfig, approvers: dict[str, str]) -> dict[str, Any]:
    cluster_config = cluster_config_stack_name(env)
    return {
        "name": env.name, "kind": "environment", "tier": env.tier, "protected": env.plan_guard.protected,
        "approvers": approvers.get(env.tier), "promote_from": list(env.release.promote_from),
        "platform_stack": platform_stack_name(env.name), "lock": platform_lock(env.name),
        # the cluster's own Kubernetes settings: applied with the applications, before them, under the platform's lock
        "cluster_config": {"stack": cluster_config, "lock": platform_lock(env.name)} if cluster_config else None,
        "apps": {app: {"stack": app_stack_name(env.name, app), "lock": app_lock(env.name, app)}
                 for app in sorted(env.apps)},
    }


def _applications(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    platform = project.platform
    order = environment_order(platform)
    names = sorted({app for env in platform.environments.values() for app in env.apps})
    if not args.json:
        print("\n".join(names))
        return ExitCode.OK
    sources = platform.shared.ci.applications
    described = {}
    for app in names:
        environments = [name for name in order if app in platform.environments[name].apps]
        described[app] = {
            "repository": sources[app].repository, "main_branch": sources[app].main_branch,
            "environments": environments,
            "urls": _urls([platform.environments[name] for name in environments], app),
        }
    print(json.dumps(described, indent=2))
    return ExitCode.OK


def _urls(environments: list[EnvironmentConfig], app: str) -> dict[str, str]:
    """The application's URL in each of ``environments`` that publishes it (``[apps.<name>.ingress]``)."""
    urls = {}
    for env in environments:
        with contextlib.suppress(NoEntryError):
            urls[env.name] = app_url(env, app)
    return urls

