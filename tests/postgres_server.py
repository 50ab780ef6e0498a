"""A throw-away PostgreSQL server on 127.0.0.1, from Debian's ``postgresql`` package (``make install`` installs it).

It stands in for RDS where SQL semantics are concerned: the master user has ``CREATEROLE`` but is no superuser
(as RDS's master is not), and the role ``rds_iam`` exists (RDS creates it; here the fixture does). ``initdb``
refuses to run as root, so the server runs as the ``postgres`` system user when the tests run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ports import free_port

MASTER_USER, MASTER_PASSWORD, DATABASE = "platform_admin", "local-test-only", "app"


def binaries() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest installed major version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3]))
    if not found:
        raise RuntimeError("no PostgreSQL server: install Debian's postgresql package (make install does)")
    return Path(found[-1]).parent


class SqlError(RuntimeError):
    """A statement failed; the message is PostgreSQL's."""


@dataclass(frozen=True)
class Server:
    """A running server: where it listens and how the superuser reaches it."""

    port: int
    superuser: str

    def sql(self, statement: str, *, user: str | None = None, password: str | None = None,
            database: str = DATABASE) -> str:
        """Run statements with psql over TCP and return their unaligned output."""
        environment = {**os.environ, "PGPASSWORD": password or "", "PGSSLMODE": "disable"}
        result = subprocess.run(["psql", "--no-psqlrc", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                                 "-q", "-p", str(self.port), "-U", user or self.superuser, "-d", database,
                                 "-c", statement],
                                env=environment, text=True, capture_output=True, check=False)
        if result.returncode != 0:
            raise SqlError(result.stderr.strip())
        return result.stdout.strip()


@contextmanager
def postgres_server() -> Iterator[Server]:
    """Start a server in a new directory of the system's temporary directory, stop and delete it on exit.

    Not under pytest's ``tmp_path``: that lies below a directory only its owner (root) may enter.
    """
    bindir, port = binaries(), free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    directory = Path(tempfile.mkdtemp(prefix="postgres-grants-"))
    if as_postgres:
        shutil.chown(directory, "postgres")
    data = directory / "data"
    superuser = "supervisor"
    subprocess.run([*as_postgres, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", superuser,
                    "--no-sync"], check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={directory} -c fsync=off"
    subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                    str(directory / "server.log"), "start"], check=True, capture_output=True)
    server = Server(port=port, superuser=superuser)
    try:
        _wait_ready(server)
        server.sql("CREATE ROLE rds_iam NOLOGIN", database="postgres")
        server.sql(f"CREATE ROLE {MASTER_USER} LOGIN CREATEROLE PASSWORD '{MASTER_PASSWORD}'", database="postgres")
        server.sql(f"CREATE DATABASE {DATABASE} OWNER {MASTER_USER}", database="postgres")
        yield server
    finally:
        # best effort: a server that failed to start has nothing to stop, and the directory goes either way
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(directory, ignore_errors=True)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + 30
    while True:
        probe = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(server.port)], capture_output=True,
                               check=False)  # not ready yet is an answer: polled until the deadline
        if probe.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not accept connections within 30 s")
        time.sleep(0.2)
