"""``platformctl diagram``: each environment drawn from its synthesized stacks, as SVG."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from platformctl.exit_codes import CliError, ExitCode
from platformctl.process import CommandRunner
from platformctl.project import Project


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add ``diagram`` (it only reads synthesized stacks: ``dry_run`` is unused)."""
    diagram = commands.add_parser(
        "diagram", parents=[common], help="draw environments from their synthesized stacks (SVG)",
        description="Draw the VPC with its subnets per zone and tier, EKS, the data stores, load-balancer entries, "
                    "the tooling account's registries and state bucket, and who may reach whom (security-group "
                    "rules), from the synthesized stacks of the environment, shared and bootstrap. Writes "
                    "reports/diagram-<env>.svg for every application environment, or for --env only (to --output "
                    "if given). Run platformctl synth first.")
    diagram.add_argument("--env", help="application environment (dev, staging, prod; default: every one)")
    diagram.add_argument("--output", type=Path,
                         help="SVG file to write, with --env (default: <root>/reports/diagram-<env>.svg)")
    diagram.set_defaults(handler=_diagram)


def environment_documents(project: Project, env_name: str) -> dict[str, dict[str, Any]]:
    """The synthesized stacks an environment's picture is drawn from: its own (S3 state under its key prefix),
    the shared configuration's, and those without S3 state (bootstrap), in that order."""
    environment = project.environment(env_name)
    names = project.stack_names()

    def under(state: Any) -> list[str]:
        return [name for name in names if (backend := project.backend(name)) is not None
                and backend[0] == state.bucket and backend[1].startswith(f"{state.key_prefix}/")]

    ordered = under(environment.state) + under(project.platform.shared.state)
    ordered += [name for name in names if project.backend(name) is None]
    return {name: json.loads((project.outdir / "stacks" / name / "cdk.tf.json").read_text())
            for name in dict.fromkeys(ordered)}


def _diagram(args: argparse.Namespace, project: Project, runner: CommandRunner) -> int:
    if args.output is not None and args.env is None:
        raise CliError(ExitCode.USAGE, f"--output {args.output}: one file holds one environment; name it with --env")
    names = [args.env] if args.env is not None else sorted(project.platform.environments)
    for name in names:
        _draw(project, name, args.output or project.root / "reports" / f"diagram-{name}.svg")
    return ExitCode.OK


def _draw(project: Project, env_name: str, output: Path) -> None:
    from platformctl.diagram.model import picture
    from platformctl.diagram.svg import render

    drawn = picture(env_name, environment_documents(project, env_name))
    if not drawn.subnets:
        raise CliError(ExitCode.FAILED, f"--env {env_name}: no subnet in the synthesized stacks "
                                        f"{', '.join(drawn.stacks)}; nothing to draw")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(drawn))
    print(f"{output}: {env_name} from {', '.join(drawn.stacks)} ({len(drawn.nodes)} resources, "
          f"{len(drawn.links)} connections)")
