#!/usr/bin/env python3
"""Synth benchmark: wall time of a full synth of all stacks against the import floor.

The import floor is a process that only imports cdktf and both provider packages, then
exits: no synth can be faster. The ratio shows what the platform's own work costs on top.

Usage: ``.venv/bin/python bench/synth.py [--runs N]`` (``make bench``). Prints a table and
writes ``reports/bench-synth.json``.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT_FLOOR = "import cdktf, cdktf_cdktf_provider_aws, cdktf_cdktf_provider_kubernetes"


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    args = parser.parse_args()
    env = dict(os.environ)
    node_bin = ROOT / "node_modules" / ".bin"
    env["PATH"] = f"{node_bin}{os.pathsep}{env.get('PATH', '')}"

    floor = [_timed([sys.executable, "-c", IMPORT_FLOOR], env) for _ in range(args.runs)]
    with tempfile.TemporaryDirectory() as outdir:
        synth_env = {**env, "CDKTF_OUTDIR": str(Path(outdir) / "cdktf.out")}
        synth = [_timed([sys.executable, "main.py"], synth_env) for _ in range(args.runs)]
        stacks = len(json.loads((Path(outdir) / "cdktf.out" / "manifest.json").read_text())["stacks"])

    result = {
        "runs": args.runs,
        "stacks": stacks,
        "import_floor_s": round(statistics.median(floor), 2),
        "full_synth_s": round(statistics.median(synth), 2),
        "ratio": round(statistics.median(synth) / statistics.median(floor), 2),
        "import_floor_all_s": [round(t, 2) for t in floor],
        "full_synth_all_s": [round(t, 2) for t in synth],
    }
    print(f"import floor (median of {args.runs}): {result['import_floor_s']:>6.2f} s")
    print(f"full synth, {stacks} stacks:         {result['full_synth_s']:>6.2f} s")
    print(f"ratio synth / floor:             {result['ratio']:>6.2f}")
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bench-synth.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
