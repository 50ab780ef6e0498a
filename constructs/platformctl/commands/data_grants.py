"""``data-grants apply``: the grants inside the data stores, run by each application's grant job.

The plan is read strictly first (a bad plan exits 2 naming every bad field, before anything connects). Then
PostgreSQL, OpenSearch and Kafka are applied in that order, each idempotently; the first store that fails ends
the command with exit 1 and its message, and the job's retry runs the whole plan again.
``--dry-run`` prints what would be done and connects to nothing.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.exit_codes import CliError, ExitCode

if TYPE_CHECKING:
    from platformctl.data_grants.plan import GrantPlan


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser,
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


def _apply(args: argparse.Namespace, _project: object, _runner: object) -> int:
    from platformctl.data_grants import GrantFailed
    from platformctl.data_grants.plan import PlanInvalid, read_plan

    try:
        plan = read_plan(args.plan)
    except PlanInvalid as error:
        raise CliError(ExitCode.USAGE, f"--plan {error}") from None
    print(f"grants of application {plan.application}", flush=True)
    try:
        # each line as its grant is done: the job's log shows what was applied before a store refused
        for line in dry_run_lines(plan) if args.dry_run else apply_plan(plan):
            print(line, flush=True)
    except GrantFailed as error:
        raise CliError(ExitCode.FAILED, str(error)) from None
    return ExitCode.OK


def dry_run_lines(plan: GrantPlan) -> list[str]:
    """What :func:`apply_plan` would do, without connecting to anything."""
    from platformctl.data_grants import postgres, search

    lines = []
    if plan.postgres is not None:
        lines.append("postgres: would run " + " ".join(postgres.psql_command(plan.postgres)))
    if plan.search is not None:
        lines += [f"search: would {method} {url} {json.dumps(body)}"
                  for method, url, body in search.requests(plan.search)]
    if plan.kafka is not None:
        lines += [f"kafka: would ensure topic {topic.name} partitions={topic.partitions} "
                  f"replication_factor={topic.replication_factor}" for topic in plan.kafka.topics]
    return lines


def apply_plan(plan: GrantPlan, session: Any = None) -> Iterator[str]:
    """Apply every section of ``plan`` with the job's AWS identity (``session``: a boto3 session, default: the
    job's); yields one line per grant as it is done.

    Raises:
        GrantFailed: a store refused or could not be reached.
    """
    from platformctl.data_grants import kafka, postgres, search

    if session is None:
        import boto3

        session = boto3.Session(region_name=plan.region)
    if plan.postgres is not None:
        password = postgres.master_password(plan.postgres.master_secret_arn, session)
        yield "postgres: " + postgres.apply(plan.postgres, password)
    if plan.search is not None:
        credentials = search.master_credentials(plan.search, session)
        yield from search.apply(plan.search, region=plan.region, credentials=credentials)
    if plan.kafka is not None:
        admin = kafka.msk_admin(plan.kafka.brokers, plan.region)
        try:
            yield from kafka.reconcile(admin, plan.kafka.topics)
        finally:
            admin.close()
