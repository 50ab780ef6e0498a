#!/usr/bin/env python3
"""Synth benchmark: the repository's platform and the platform at scale, against the import floor.

The import floor is a process that only imports cdktf and both provider packages, then exits: no
synth can be faster. ``main.py`` ends by moving everything alive to the garbage collector's
permanent generation (``platformctl.synth.prepare_exit``), which spares the interpreter's exit a
traversal of the provider bindings' millions of objects; the second floor, an import-only process
that exits the same way, shows how much of a ratio below 1 that is. Measured as ``main.py`` runs
them, each in a fresh process with its own output directory, the scenarios interleaved run by run
(so a change in the machine's load reaches all of them), median of ``--runs``, wall and CPU time:

* ``repository full``: every stack of ``environments/``, cache off;
* ``scale full``: every stack of the scale scenario (``bench/scale_scenario.py``: 10 environments,
  232 stacks, 210 applications), cache off;
* ``scale one environment``: ``PLATFORM_STACKS=dev,dev-app-api`` on the scale scenario, cache off;
* ``scale no change``: the scale scenario again with a primed cache (nothing to synthesize).

Then one profiled in-process synth of the scale scenario (``bench/synth_profile.py``) says where
the time beyond the floor goes. Usage: ``.venv/bin/python bench/synth.py [--runs N]``
(``make bench``). Prints a table and writes ``reports/bench-synth.json`` and
``reports/bench-synth-profile.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scale_scenario import write_scale_scenario
from synth_profile import profile_synth

ROOT = Path(__file__).resolve().parents[1]
IMPORT_FLOOR = "import cdktf, cdktf_cdktf_provider_aws, cdktf_cdktf_provider_kubernetes"
IMPORT_FLOOR_SAME_EXIT = f"{IMPORT_FLOOR}; import gc; gc.freeze()"
#: Goals of issue 16 (ratios to the floor; seconds for the unchanged run).
GOALS = {"repository full": 1.25, "scale full": 1.5, "scale one environment": 1.15}
NO_CHANGE_GOAL_S = 2.0


@dataclass
class Samples:
    """Wall and CPU seconds (the process and its children, node included) of each run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, command: list[str], env: dict[str, str]) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def _median(samples: list[float]) -> float:
    return round(statistics.median(samples), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    args = parser.parse_args()
    base = {key: value for key, value in os.environ.items() if not key.startswith(("PLATFORM_", "CDKTF_"))}
    base["PATH"] = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{base.get('PATH', '')}"
    samples: dict[str, Samples] = defaultdict(Samples)
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as scratch_dir:
        scratch = Path(scratch_dir)
        scale = write_scale_scenario(scratch / "scale")

        def main_py(name: str, run: int, environments: Path, **variables: str) -> None:
            env = {**base, "PLATFORM_ENVIRONMENTS_DIR": str(environments),
                   "CDKTF_OUTDIR": str(scratch / f"{name}-{run}" / "cdktf.out"), **variables}
            samples[name].add([sys.executable, "main.py"], env)

        no_change = {"PLATFORM_SYNTH_CACHE_DIR": str(scratch / "cache")}
        subprocess.run([sys.executable, "main.py"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env={**base, "PLATFORM_ENVIRONMENTS_DIR": str(scale),
                                                       "CDKTF_OUTDIR": str(scratch / "no change-0" / "cdktf.out"),
                                                       **no_change})
        for run in range(args.runs):
            samples["import floor"].add([sys.executable, "-c", IMPORT_FLOOR], base)
            samples["import floor, exiting like main.py"].add([sys.executable, "-c", IMPORT_FLOOR_SAME_EXIT], base)
            main_py("repository full", run, ROOT / "environments", PLATFORM_SYNTH_CACHE="off")
            main_py("scale full", run, scale, PLATFORM_SYNTH_CACHE="off")
            main_py("scale one environment", run, scale, PLATFORM_SYNTH_CACHE="off", PLATFORM_STACKS="dev,dev-app-api")
            main_py("scale no change", 0, scale, **no_change)
        stacks = len(json.loads((scratch / "scale full-0" / "cdktf.out" / "manifest.json").read_text())["stacks"])
        profile = profile_synth(scale, scratch / "profiled" / "cdktf.out")

    floor, floor_same_exit = (_median(samples[name].wall) for name in ("import floor",
                                                                      "import floor, exiting like main.py"))
    result: dict[str, object] = {
        "runs": args.runs, "scale_stacks": stacks, "load_average_at_end": os.getloadavg(),
        "measurements": {name: {
            "median_wall_s": _median(runs.wall), "median_cpu_s": _median(runs.cpu),
            "ratio_to_floor": round(_median(runs.wall) / floor, 2),
            "ratio_to_floor_exiting_like_main_py": round(_median(runs.wall) / floor_same_exit, 2),
            "all_wall_s": [round(run, 2) for run in runs.wall], "all_cpu_s": [round(run, 2) for run in runs.cpu],
        } for name, runs in samples.items()},
        "goals": {**{f"{name} ratio <=": goal for name, goal in GOALS.items()},
                  "scale no change s <=": NO_CHANGE_GOAL_S},
        "profile": profile.summary,
    }
    width = max(len(name) for name in samples)
    print(f"{'measurement':<{width}}    wall    CPU   ratio  ratio*  goal")
    for name, runs in samples.items():
        wall = _median(runs.wall)
        goal = (f"ratio <= {GOALS[name]:.2f}" if name in GOALS else
                f"<= {NO_CHANGE_GOAL_S:.1f} s" if name == "scale no change" else "")
        print(f"{name:<{width}}  {wall:6.2f}  {_median(runs.cpu):5.2f}  {wall / floor:5.2f}"
              f"  {wall / floor_same_exit:6.2f}  {goal}")
    print(f"(seconds, median of {args.runs}; ratio: to the import floor; ratio*: to the floor exiting like main.py; "
          f"load average at the end {os.getloadavg()[0]:.1f})")
    print()
    print(profile.text)
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bench-synth.json").write_text(json.dumps(result, indent=2) + "\n")
    (reports / "bench-synth-profile.txt").write_text(profile.text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
