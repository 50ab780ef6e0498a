#!/usr/bin/env python3
"""Where synth time beyond the import floor goes: phases of one synth, then a cProfile breakdown.

Runs in a fresh process (``profile_synth`` starts it): imports cdktf and the providers, loads the
configuration, then builds and synthesizes every stack twice into scratch directories: once
timed (the phases), once under cProfile (the breakdown; the profiler slows Python, not node, so
its shares of Python-side work are high). The parent adds the process teardown after ``main``
returned (interpreter shutdown and the jsii kernel's exit).

Categories overlap where one calls another; each is the inclusive time of its entry points:
waiting for the jsii kernel is the time spent reading node's answers (node's own work plus the
round trip), and the round-trip counts say how many calls crossed to node.

Usage: ``.venv/bin/python bench/synth_profile.py ENVIRONMENTS_DIR OUTDIR`` prints the summary as JSON.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: (category, module path fragment, function name): inclusive time of these entry points.
CATEGORIES = [
    ("waiting for the jsii kernel (node work + round trip)", "jsii/_kernel/providers/process.py", "_next_message"),
    ("runtime type checks in the generated bindings: typeguard", "typeguard/__init__.py", "check_type"),
    ("runtime type checks in the generated bindings: get_type_hints", "typing.py", "get_type_hints"),
    ("serializing arguments for jsii", "jsii/_kernel/__init__.py", "_make_reference_for_native"),
    ("policy checks (one rendering per stack + rules)", "platform_constructs/policy/guard.py", "check"),
    ("struct conversion (_internal/structs.py)", "platform_constructs/_internal/structs.py", "struct"),
    ("building: BootstrapStack", "platform_constructs/stacks/bootstrap.py", "__init__"),
    ("building: SharedStack", "platform_constructs/stacks/shared.py", "__init__"),
    ("building: PlatformStack", "platform_constructs/stacks/platform.py", "__init__"),
    ("building: AppStack", "platform_constructs/stacks/apps.py", "__init__"),
    ("App.synth (validation, rendering, writing)", "cdktf/__init__.py", "synth"),
]
ROUND_TRIPS = ("create", "get", "set", "invoke", "sinvoke", "sget", "sset", "sync_complete", "load")


@dataclass(frozen=True)
class Profile:
    """The summary (for the JSON report) and its text rendering."""

    summary: dict[str, Any]
    text: str


def profile_synth(environments: Path, outdir: Path) -> Profile:
    """Profile one synth of ``environments`` in a fresh process."""
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, __file__, str(environments), str(outdir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    exited = time.time()
    summary = json.loads(done.stdout.splitlines()[-1])
    summary["phases_s"]["process teardown"] = round(exited - summary.pop("main_returned_at"), 2)
    return Profile(summary, _render(summary))


def _render(summary: dict[str, Any]) -> str:
    lines = ["Profile of one synth of the scale scenario (fresh process)", "", "Phases (unprofiled):"]
    lines += [f"  {name:<44} {seconds:6.2f} s" for name, seconds in summary["phases_s"].items()]
    lines += ["", f"Breakdown under cProfile (profiled build + synth: {summary['profiled_total_s']:.2f} s; inclusive):"]
    lines += [f"  {name:<60} {seconds:6.2f} s" for name, seconds in summary["categories_s"].items()]
    trips = summary["jsii_round_trips"]
    lines += ["", f"jsii round trips: {sum(trips.values())} (" + ", ".join(f"{k} {v}" for k, v in trips.items()) + ")",
              "", "Top functions by own time (profiled):"]
    lines += [f"  {row['own_s']:6.2f} s {row['calls']:>9} calls  {row['function']}" for row in summary["top_own_time"]]
    return "\n".join(lines)


def _inclusive(stats: pstats.Stats, fragment: str, function: str) -> float:
    return sum(row[3] for (path, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
               if name == function and fragment in path)


def main(environments: Path, outdir: Path) -> dict[str, Any]:
    """Phases and breakdown of synthesizing ``environments`` (every stack)."""
    sys.path.insert(0, str(ROOT / "constructs"))
    from platform_constructs._internal.node import prefer_project_node

    prefer_project_node(ROOT)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 2)
        mark = now

    import cdktf  # noqa: F401
    import cdktf_cdktf_provider_aws  # noqa: F401
    import cdktf_cdktf_provider_kubernetes  # noqa: F401
    phase("import cdktf and providers")
    from platform_constructs.app import build_app
    from platform_constructs.config.loader import load_platform
    phase("import the construct library")
    platform = load_platform(environments)
    phase("load and validate the configuration")
    app = build_app(platform, outdir)
    phase("build the constructs")
    app.synth()
    phase("synthesize (validate, policy, render, write)")

    profiler = cProfile.Profile()
    profiler.enable()
    started = time.perf_counter()
    build_app(platform, outdir.with_name(outdir.name + "-profiled")).synth()
    total = time.perf_counter() - started
    profiler.disable()
    stats = pstats.Stats(profiler)
    categories = {name: round(_inclusive(stats, fragment, function), 2) for name, fragment, function in CATEGORIES}
    trips = {name: sum(row[1] for (path, _, fn), row in stats.stats.items()  # type: ignore[attr-defined]
                       if fn == name and path.endswith("jsii/_kernel/providers/process.py"))
             for name in ROUND_TRIPS}
    top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:15]  # type: ignore[attr-defined]
    return {
        "phases_s": phases,
        "profiled_total_s": round(total, 2),
        "categories_s": categories,
        "jsii_round_trips": {name: count for name, count in trips.items() if count},
        "top_own_time": [{"function": f"{Path(path).name}:{line}({name})", "own_s": round(row[2], 2), "calls": row[1]}
                         for (path, line, name), row in top],
        "main_returned_at": time.time(),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
    gc.freeze()  # exit as main.py does (platformctl.synth.prepare_exit)
