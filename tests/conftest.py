"""Session-wide fixtures: the whole platform is synthesized once per test run.

Importing cdktf and the provider bindings costs ~15 s per process, so every test that needs
synthesized JSON shares one synth of all stacks (the same code path as ``main.py``), and
construct tests synthesize small stacks in the same process.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from platform_constructs._internal.node import prefer_project_node

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENTS = ROOT / "environments"
prefer_project_node(ROOT)


@pytest.hookimpl(trylast=True)  # after -m/-k deselection, so the split below counts what runs
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the run so the long work is spread over the workers of ``-n N --dist worksteal``.

    worksteal hands each of the N workers one contiguous share of the list, in order; an idle worker then
    steals from the end of the busiest one's queue. So the ``e2e`` drill (when a run includes it) goes
    first, the modules holding ``slow`` tests (kept whole: module fixtures such as an emulator start
    once) are dealt round the heads of the N shares, and short tests fill each share up. Every worker
    computes the same order (xdist requires it); without xdist this is only an order.
    """
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    first = [item for item in items if item.get_closest_marker("e2e") is not None]
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        if item not in first:
            modules.setdefault(item.path, []).append(item)
    slow = [tests for tests in modules.values() if any(item.get_closest_marker("slow") for item in tests)]
    short = iter([item for tests in modules.values() if tests not in slow for item in tests])
    heads: list[list[pytest.Item]] = [list(first) if share == 0 else [] for share in range(workers)]
    for index, tests in enumerate(slow):
        heads[index % workers].extend(tests)
    ordered: list[pytest.Item] = []
    for share, head in enumerate(heads):
        # the share xdist sends this worker: an equal part of what the earlier workers left
        size = (len(items) - len(ordered)) // (workers - share)
        fill = None if share == workers - 1 else max(0, size - len(head))
        ordered += [*head, *itertools.islice(short, fill)]
    items[:] = ordered


@pytest.fixture(scope="session")
def platform():
    """The repository's validated environment configuration."""
    from platform_constructs.config import load_platform

    return load_platform(ENVIRONMENTS)


@pytest.fixture(scope="session")
def synth_dir(platform, tmp_path_factory) -> Path:
    """``cdktf.out`` of a full synth of the repository's environments."""
    from platform_constructs.app import synthesize

    outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
    synthesize(platform, outdir)
    return outdir


@pytest.fixture(scope="session")
def stack_json(synth_dir) -> Callable[[str], dict[str, Any]]:
    """Parsed ``cdk.tf.json`` of one stack of the full synth."""
    cache: dict[str, dict[str, Any]] = {}

    def load(stack: str) -> dict[str, Any]:
        if stack not in cache:
            cache[stack] = json.loads((synth_dir / "stacks" / stack / "cdk.tf.json").read_text())
        return cache[stack]

    return load


@pytest.fixture
def synth_stack(tmp_path) -> Callable[[Callable[[Any], None]], dict[str, Any]]:
    """Synthesize a fresh single stack built by ``build(stack)`` and return its JSON.

    The stack has an AWS provider, so constructs can be tested in isolation.
    """
    from platform_constructs._internal.tf import TerraformStack, Testing, aws

    def synth(build: Callable[[Any], None]) -> dict[str, Any]:
        stack = TerraformStack(Testing.app(outdir=str(tmp_path)), "test")
        aws.provider.AwsProvider(stack, "aws", region="eu-west-1")
        build(stack)
        return json.loads(Testing.synth(stack, True))

    return synth
