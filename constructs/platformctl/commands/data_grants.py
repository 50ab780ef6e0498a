"""``data-grants apply``: the grants inside the data stores, run by each application's grant job."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from platformctl.exit_codes import CliError, ExitCode

PLAN_VERSION = 1


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser,
             dry_run: argparse.ArgumentParser) -> None:
    """Add ``data-grants apply`` (its ``--dry-run`` prints what it would do and connects to nothing)."""
    group = commands.add_parser("data-grants", help="apply an application's grants inside its data stores",
                                description="Apply a grant plan: the PostgreSQL user and schema privileges, the "
                                            "OpenSearch role mapping, the Kafka topics (docs/decisions/0010).")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    apply_parser = actions.add_parser("apply", parents=[common, dry_run], help="apply a plan (idempotent)",
                                      description="Apply the grant plan FILE; run it twice and nothing changes.")
    apply_parser.add_argument("--plan", type=Path, required=True, metavar="FILE", help="the plan (JSON)")
    apply_parser.set_defaults(handler=_apply)


def read_plan(path: Path) -> dict[str, Any]:
    """The plan in ``path``; a missing, unreadable or foreign plan is a usage error."""
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CliError(ExitCode.USAGE, f"--plan {path}: cannot read a JSON plan ({error})") from None
    if not isinstance(plan, dict) or plan.get("version") != PLAN_VERSION:
        raise CliError(ExitCode.USAGE, f"--plan {path}: not a grant plan of version {PLAN_VERSION}")
    return plan


def _apply(args: argparse.Namespace, _project: object, runner: object) -> int:
    from platformctl.data_grants import kafka, postgres, search

    plan = read_plan(args.plan)
    lines = [f"grants of application {plan['application']}"]
    if args.dry_run:
        if "postgres" in plan:
            grant = postgres.PostgresGrant.from_plan(plan["postgres"])
            lines.append("postgres: " + " ".join(postgres.psql_command(grant)))
        if "search" in plan:
            lines += [f"search: {method} {url} {json.dumps(body)}" for method, url, body in search.requests(plan["search"])]
        if "kafka" in plan:
            lines += [f"kafka: topic {topic['name']} partitions={topic['partitions']} "
                      f"replication_factor={topic['replication_factor']}" for topic in plan["kafka"]["topics"]]
        print("\n".join(lines))
        return ExitCode.OK
    import boto3

    session = boto3.Session(region_name=plan["region"])
    try:
        if "postgres" in plan:
            section = plan["postgres"]
            password = postgres.master_password(section["master_secret_arn"], session)
            lines.append(postgres.apply(postgres.PostgresGrant.from_plan(section), password))
        if "search" in plan:
            lines += search.apply(plan["search"], region=plan["region"], session=session)
        if "kafka" in plan:
            lines += kafka.reconcile(kafka.msk_admin(plan["kafka"]["bootstrap_brokers"], plan["region"]),
                                     plan["kafka"]["topics"])
    except (postgres.GrantFailed, kafka.TopicRefused) as error:
        raise CliError(ExitCode.FAILED, str(error)) from None
    print("\n".join(lines))
    return ExitCode.OK
