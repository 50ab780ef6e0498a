"""``platformctl local up|down|env``: the local AWS emulator (moto) with the platform deployed into it.

The emulator lives in the ``local_aws`` package, a development extra platformctl never imports:
the command runs ``python -m local_aws`` as a child process with the same interpreter, passes its
exit code through, and says how to install the extra when it is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from platformctl import env_vars
from platformctl.exit_codes import CliError, ExitCode
from platformctl.process import CommandRunner
from platformctl.project import Project

#: What ``local`` runs; the ``local`` extra of this package provides it.
EMULATOR_MODULE = "local_aws"
#: Packages the emulator needs beyond platformctl's own.
EMULATOR_REQUIREMENTS = ("local_aws", "moto")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add ``local up``, ``local down`` and ``local env``."""
    local = commands.add_parser("local", help="deploy into, use, or stop the local AWS emulator",
                                description="Deploy bootstrap, shared and one environment into a local AWS emulator "
                                            "(moto on 127.0.0.1, the real Terraform CLI and AWS provider), print the "
                                            "shell lines that point the tools at it, or stop it. "
                                            "Needs the `local` extra: pip install -e '.[local]'.")
    actions = local.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser(
        "up", parents=[common], help="deploy bootstrap, shared and an environment; the emulator stays up",
        description="Synthesize (unless --synth-dir), start or reuse the emulator, apply bootstrap, shared and the "
                    "environment, re-plan each (must be empty). Exit 4: a re-plan was not empty.")
    up.add_argument("--env", help="environment to deploy (default: $PLATFORM_ENV, else dev; an empty $PLATFORM_ENV is "
                                  "an error)")
    up.add_argument("--synth-dir", type=Path, help="use this cdktf.out instead of synthesizing")
    down = actions.add_parser("down", parents=[common], help="stop the emulator and delete its run directory",
                              description="Stop the emulator started by `local up` and delete its run directory.")
    env = actions.add_parser(
        "env", parents=[common], help="print the export lines that point the tools at the running emulator",
        description="Print the `export` (and `unset`) lines that point cdktf, Terraform, platformctl, boto3 and the "
                    "AWS CLI at the emulator started by `local up`: eval \"$(platformctl local env)\". "
                    "Exit 1: no emulator is running from the run directory.")
    for action in (up, down, env):
        action.add_argument("--run-dir", type=Path, help="the emulator's run directory (default: <root>/.local-aws)")
        action.set_defaults(handler=_local)


def emulator_command(args: argparse.Namespace, project: Project) -> list[str]:
    """The ``python -m local_aws ...`` command line for ``args``."""
    argv = [sys.executable, "-m", EMULATOR_MODULE, args.action, "--run-dir",
            str(args.run_dir or project.root / ".local-aws")]
    if args.action == "up":
        try:
            environment = args.env if args.env is not None else env_vars.platform_env()
        except env_vars.EnvVarError as error:
            raise CliError(ExitCode.USAGE, str(error)) from None
        if not environment.strip():
            raise CliError(ExitCode.USAGE, "--env '': name an environment (dev, staging, prod)")
        argv += ["--env", environment]
        if args.synth_dir is not None:
            argv += ["--synth-dir", str(args.synth_dir)]
    return argv


def missing_requirements() -> list[str]:
    """The emulator's packages that are not installed (found without importing them)."""
    return [name for name in EMULATOR_REQUIREMENTS if importlib.util.find_spec(name) is None]


def _local(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    argv = emulator_command(args, project)
    missing = missing_requirements()
    if missing:
        raise CliError(ExitCode.FAILED, f"the local AWS emulator needs {', '.join(missing)}, which is not installed: "
                                        "install the `local` extra (pip install -e '.[local]', or make install)")
    # the child reads the same configuration directory, whatever --root or the environment said
    env = {**os.environ, env_vars.PLATFORM_ENVIRONMENTS_DIR.name: str(project.environments_dir)}
    return subprocess.run(argv, cwd=project.root, env=env, check=False).returncode
