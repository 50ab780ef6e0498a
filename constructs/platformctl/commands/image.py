"""Image subcommands for the build stages: image-repository, image-tag and registry-login."""

from __future__ import annotations

import argparse
from pathlib import Path

from platform_constructs.registry.image_tags import build_tag
from platformctl.aws_session import caller_session
from platformctl.exit_codes import CliError, ExitCode
from platformctl.image.registry_login import ecr_region, write_docker_config
from platformctl.process import CommandRunner
from platformctl.project import Project
from platformctl.release.inputs import checked_app


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add the image subcommands (they change nothing a dry run could skip: ``dry_run`` is unused)."""
    for name, summary, description, handler in (
        ("image-repository", "print the repository an application's images are pushed to",
         "Print [apps.<app>].image_repository of the environment: the only repository its Terraform variable "
         "accepts, so the build pushes where the deploy will look.", _image_repository),
        ("registry-login", "write a Docker config with a short-lived ECR token",
         "Write <dir>/config.json (mode 0600) with an ECR token for the registry of the application's repository, "
         "from the caller's credentials (the build pod's identity). Point DOCKER_CONFIG at the directory.",
         _registry_login),
    ):
        sub = commands.add_parser(name, parents=[common], help=summary, description=description)
        sub.add_argument("--env", default="dev",
                         help="environment whose [apps] entry names the repository (default: dev)")
        sub.add_argument("--app", required=True, help="application")
        if name == "registry-login":
            sub.add_argument("--docker-config", type=Path, required=True, metavar="DIR",
                             help="directory for config.json (the value of DOCKER_CONFIG)")
        sub.set_defaults(handler=handler)

    tag = commands.add_parser(
        "image-tag", parents=[common], help="print the tag of an image built from a commit",
        description="main-<commit> for a commit on the application's main branch, branch-<commit> for any other: "
                    "the registry's lifecycle policy keeps main builds longer, and promote refuses images without "
                    "a main- tag.")
    tag.add_argument("--commit", required=True, help="the application commit (7-40 hex digits)")
    tag.add_argument("--on-main", choices=("true", "false"), required=True,
                     help="whether the commit is on the application's main branch")
    tag.set_defaults(handler=_image_tag)


def _repository(args: argparse.Namespace, project: Project) -> str:
    env = project.environment(args.env)
    return env.apps[checked_app(env, args.app)].image_repository


def _image_repository(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    print(_repository(args, project))
    return ExitCode.OK


def _registry_login(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    host = _repository(args, project).split("/", 1)[0]
    try:
        region = ecr_region(host)
    except ValueError as error:
        raise CliError(ExitCode.USAGE, f"--app {args.app}: {error}") from None
    expires = write_docker_config(caller_session(region).client("ecr"), host, args.docker_config)
    print(f"wrote {args.docker_config / 'config.json'} for {host} (token valid until {expires:%Y-%m-%d %H:%M %Z})")
    return ExitCode.OK


def _image_tag(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    try:
        print(build_tag(args.commit, on_main=args.on_main == "true"))
    except ValueError as error:
        raise CliError(ExitCode.USAGE, f"--commit {error}") from None
    return ExitCode.OK
