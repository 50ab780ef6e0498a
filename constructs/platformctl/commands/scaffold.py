"""``platformctl new-app`` and ``new-env``: scaffold an application or an environment (README "Adding an
application", "Adding an environment")."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from platform_constructs.errors import ConfigError
from platformctl.exit_codes import CliError, ExitCode
from platformctl.process import CommandRunner
from platformctl.project import Project
from platformctl.scaffold import NewApp, NewEnvironment, ScaffoldRefused, add_app, add_environment

_VALIDATED = ("The whole configuration is validated afterwards; on any problem every file is put back as it was "
              "and the command exits 2 listing the problems.")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add ``new-app`` and ``new-env`` (they write only files: ``dry_run`` is unused)."""
    app = commands.add_parser(
        "new-app", parents=[common], help="add an application to the environment files",
        description="Add [apps.NAME] to each environment file (image from the shared registry's repository "
                    "<prefix>-shared-NAME, one pod in a dev tier, two where the tier rolls out with zero downtime), "
                    "and to shared.toml NAME in [registry] repositories and [ci.applications.NAME] (the source its "
                    f"release job builds) where they are missing. {_VALIDATED}")
    app.add_argument("name", metavar="NAME", help="application name: lower-case letters, digits and -")
    app.add_argument("--port", type=int, default=8080, help="container port (default: 8080)")
    app.add_argument("--health", default="/healthz", metavar="PATH",
                     help="HTTP path of the readiness and liveness checks (default: /healthz)")
    app.add_argument("--envs", type=_names, metavar="ENV,...",
                     help="environments to add it to (default: every one; staging and prod go together)")
    app.add_argument("--source", metavar="GIT_URL",
                     help="the application's git repository (required unless shared.toml already names it)")
    app.add_argument("--main-branch", default="main", metavar="BRANCH",
                     help="the branch whose commits may be promoted beyond dev (default: main)")
    app.set_defaults(handler=_new_app)
    env = commands.add_parser(
        "new-env", parents=[common], help="add an environment and its account",
        description="Write environments/NAME.toml (naming, tags and state from shared.toml) and register the "
                    f"account in environments/accounts.toml at tier T. {_VALIDATED}")
    env.add_argument("name", metavar="NAME", help="environment name: lower-case letters and digits")
    env.add_argument("--tier", required=True, help="dev, staging or prod (the names staging and prod imply theirs)")
    env.add_argument("--account", required=True, metavar="ACCOUNT_ID", help="the AWS account (12 digits), not "
                                                                            "registered yet")
    env.add_argument("--cidr", required=True, help="the VPC range, not overlapping another environment's")
    env.add_argument("--region", help="AWS region (default: shared.toml's)")
    env.add_argument("--domain", help="DNS domain (default: NAME.<parent zone of shared.toml>)")
    env.set_defaults(handler=_new_env)


def _names(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError(f"{value!r}: name at least one environment")
    return names


def _new_app(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    request = NewApp(args.name, args.port, args.health, args.envs, args.source, args.main_branch)
    return _scaffold(lambda: add_app(project.environments_dir, request), f"application {args.name}")


def _new_env(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    request = NewEnvironment(args.name, args.tier, args.account, args.cidr, args.region, args.domain)
    return _scaffold(lambda: add_environment(project.environments_dir, request), f"environment {args.name}")


def _scaffold(write: Callable[[], list[Path]], what: str) -> int:
    try:
        written = write()
    except ConfigError as error:  # the configuration was invalid before anything was written
        raise CliError(ExitCode.USAGE, f"{error}\nfix these first; nothing was written") from None
    except ScaffoldRefused as refused:
        raise CliError(ExitCode.USAGE, f"{what} not added:\n{refused}") from None
    print(f"added {what}; wrote:")
    for path in written:
        print(f"  {path}")
    print("next: make synth (or platformctl synth), then review and commit the files")
    return ExitCode.OK
