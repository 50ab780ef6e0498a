"""The PostgreSQL part of a grant plan: the user with ``rds_iam`` and its schema privileges, through ``psql``.

The SQL is one script (``grants.sql``) with psql variables: identifiers and literals are quoted by psql, never
spliced into SQL text. It runs in one transaction as the master user, whose password the job reads from the
RDS-managed secret; ``log_statement = ddl`` (the parameter group) writes every statement to the database's
log group, the audit trail of who was granted what.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from importlib import resources
from typing import Any

from platformctl.data_grants import GrantFailed
from platformctl.data_grants.plan import PostgresGrant

#: TLS to the database: RDS forces it (``rds.force_ssl``); the job verifies the server's certificate.
DEFAULT_SSLMODE = "verify-full"


def script() -> str:
    """The SQL script every PostgreSQL grant runs."""
    return resources.files(__package__).joinpath("grants.sql").read_text(encoding="utf-8")


def psql_command(grant: PostgresGrant, *, psql: str = "psql") -> list[str]:
    """The ``psql`` command line (no password: it goes through the environment)."""
    command = [psql, "--no-psqlrc", "--quiet", "--tuples-only", "--host", grant.host, "--port", str(grant.port),
               "--username", grant.master_user, "--dbname", grant.database]
    for name, value in grant.variables().items():
        command += ["--set", f"{name}={value}"]
    return command


def apply(grant: PostgresGrant, password: str, *, sslmode: str = DEFAULT_SSLMODE, psql: str = "psql",
          run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run) -> str:
    """Run the script as the master user; returns psql's summary line.

    Raises:
        GrantFailed: psql could not run or failed, with its error message (the script runs in one transaction:
            nothing changed).
    """
    environment = {**os.environ, "PGPASSWORD": password, "PGSSLMODE": sslmode, "PGCONNECT_TIMEOUT": "10"}
    try:
        result = run(psql_command(grant, psql=psql), input=script(), env=environment, text=True,
                     capture_output=True, check=False)
    except OSError as error:
        raise GrantFailed(f"PostgreSQL grants of user {grant.user}: {psql} cannot run ({error})") from None
    if result.returncode != 0:
        raise GrantFailed(f"PostgreSQL grants of user {grant.user} failed (psql exit {result.returncode}): "
                          f"{result.stderr.strip()}")
    return result.stdout.strip()


def master_password(secret_arn: str, session: Any) -> str:
    """The master user's password from the RDS-managed secret (a JSON document with ``password``)."""
    value = session.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    try:
        return str(json.loads(value)["password"])
    except (ValueError, KeyError, TypeError):
        raise GrantFailed(f"secret {secret_arn}: not the JSON document with a password RDS keeps there") from None
