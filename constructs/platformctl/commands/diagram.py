"""``platformctl diagram``: an environment drawn from its synthesized stacks, as SVG."""

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
        "diagram", parents=[common], help="draw an environment from its synthesized stacks (SVG)",
        description="Draw the VPC with its subnets per zone and tier, EKS, the data stores, load-balancer entries, "
                    "the tooling account's registries and state bucket, and who may reach whom (security-group "
                    "rules), from the synthesized stacks of the environment, shared and bootstrap. Writes "
                    "reports/diagram-<env>.svg unless --output is given. Run platformctl synth first.")
    diagram.add_argument("--env", required=True, help="application environment (dev, staging, prod)")
    diagram.add_argument("--output", type=Path, help="SVG file to write (default: <root>/reports/diagram-<env>.svg)")
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
    from platformctl.diagram.model import picture
    from platformctl.diagram.svg import render

    drawn = picture(args.env, environment_documents(project, args.env))
    if not drawn.subnets:
        raise CliError(ExitCode.FAILED, f"--env {args.env}: no subnet in the synthesized stacks "
                                        f"{', '.join(drawn.stacks)}; nothing to draw")
    output = args.output or project.root / "reports" / f"diagram-{args.env}.svg"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(drawn))
    print(f"{output}: {args.env} from {', '.join(drawn.stacks)} ({len(drawn.nodes)} resources, "
          f"{len(drawn.links)} connections)")
    return ExitCode.OK
