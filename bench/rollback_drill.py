#!/usr/bin/env python3
"""Rollback drill: time the steps of an application and an infrastructure rollback against the emulator.

What is measured here is everything a rollback does except what needs a live cluster: the
``platformctl`` start, release-record reads through the deploy role, ``terraform init`` / plan /
guard / apply against an S3 backend with locking, a state version restore, verification of
alarms and a smoke URL, the checkout and synth of a recorded platform revision, and the
break-glass undo's start (``kubectl`` itself needs a cluster). The Kubernetes rollout itself is the RTO budget's part
(``rollout.rto_estimate`` in the environment report). docs/rollback.md quotes these numbers.

Usage: ``.venv/bin/python bench/rollback_drill.py`` (``make drill``). It synthesizes into a
temporary directory first (timed: the rollback pipeline does the same). Prints a table and writes
``reports/rollback-drill.json``.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from emulated_registry import create_repositories, push_image  # noqa: E402
from small_stacks import SmallStacks, create_state_bucket  # noqa: E402

from local_aws.emulator import LocalAws  # noqa: E402
from platform_constructs.config.loader import load_platform  # noqa: E402
from platformctl.release.image_ref import ImageRef  # noqa: E402
from platformctl.release.records import ReleaseRecords  # noqa: E402

RUNS = 3


def _platformctl(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "platformctl.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"platformctl {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return elapsed, done


def _median(samples: list[float]) -> float:
    return round(statistics.median(samples), 2)


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> int:
    platform = load_platform(ROOT / "environments")
    prod = platform.environments["prod"]
    timings: dict[str, list[float]] = {}
    with LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region) as aws, \
            tempfile.TemporaryDirectory() as scratch:
        for _, config in platform.configs():
            aws.create_role(config.aws.account_id, config.aws.deploy_role_name)
        create_state_bucket(aws, platform.shared.state)
        env = aws.process_env()
        synthesized = Path(scratch) / "synth" / "cdktf.out"
        timings["synth (all stacks)"] = [_platformctl(env, "synth", "--outdir", str(synthesized))[0]]
        synthesized_dir = synthesized / "stacks"
        outdir = Path(scratch) / "cdktf.out"
        stacks = SmallStacks(outdir, lambda name: json.loads((synthesized_dir / name / "cdk.tf.json").read_text()),
                             "drill")
        out = ("--outdir", str(outdir))

        timings["platformctl --help"] = [_platformctl(env, "--help")[0] for _ in range(RUNS)]

        # a release or rollback first checks out and synthesizes the environment's recorded revision
        checkouts = []
        for run in range(RUNS):
            into = Path(scratch) / f"at-revision-{run}"
            checkouts.append(_platformctl(env, "checkout-revision", "--ref", "HEAD", "--main-ref", "HEAD",
                                          "--into", str(into))[0])
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(into)], check=True)
        timings["checkout-revision (git worktree + synth of all stacks)"] = checkouts

        # application: prod ran a good image, a bad one is live; roll back (no cluster: dry run)
        records = ReleaseRecords(aws.client("ssm", role_arn=prod.aws.deploy_role_arn), prod.naming.prefix, "prod")
        create_repositories(aws.client("ecr"), platform)  # a rollback checks that the registry keeps the image
        good, bad = (ImageRef.pinned(push_image(aws.client("ecr"), platform, n)) for n in (10, 11))
        records.record_release("api", good, "release 1", note="drill")
        records.record_good("api", good, note="drill")
        records.record_release("api", bad, "release 2", note="drill")
        timings["rollback --dry-run (records via deploy role, plan of commands)"] = [
            _platformctl(env, "rollback", "--env", "prod", "--app", "api", "--dry-run",
                         "--outdir", str(synthesized))[0] for _ in range(RUNS)]
        timings["undo --dry-run (break glass: kubectl only, no synth)"] = [
            _platformctl(env, "undo", "--env", "prod", "--app", "api", "--dry-run")[0] for _ in range(RUNS)]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Healthy)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        smoke = f"http://127.0.0.1:{server.server_address[1]}/healthz"
        timings["verify --dry-run (alarms + smoke URL)"] = [
            _platformctl(env, "verify", "--env", "prod", "--app", "api", "--smoke-url", smoke, "--dry-run")[0]
            for _ in range(RUNS)]
        server.shutdown()

        # infrastructure: apply v1, apply v2, restore v1's state version and re-apply v1
        deploys, restores = [], []
        for run in range(RUNS):
            stacks.write("dev", marker=f"v1-{run}")
            deploys.append(_platformctl(env, "deploy", "--env", "dev", "--stack", "dev", *out)[0])
            good_version = _platformctl(env, "state-versions", "--env", "dev", "--stack", "dev",
                                        *out)[1].stdout.splitlines()[1].split()[0]
            stacks.write("dev", marker=f"v2-{run}")
            deploys.append(_platformctl(env, "deploy", "--env", "dev", "--stack", "dev", *out)[0])
            stacks.write("dev", marker=f"v1-{run}")
            restores.append(_platformctl(env, "rollback-infra", "--env", "dev", "--stack", "dev",
                                         "--to-version", good_version, *out)[0])
        timings["deploy (init + plan + guard + apply, 2 resources)"] = deploys
        timings["rollback-infra (state restore + init + plan + guard + apply)"] = restores

    result = {name: {"median_s": _median(samples), "all_s": [round(s, 2) for s in samples]}
              for name, samples in timings.items()}
    result["rto_estimate_prod"] = dataclasses.asdict(prod.rollout.rto_estimate)
    width = max(len(name) for name in timings)
    for name, samples in timings.items():
        print(f"{name:<{width}}  {result[name]['median_s']:>6.2f} s (median of {len(samples)})")
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "rollback-drill.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
