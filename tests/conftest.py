"""Session-wide fixtures: the whole platform is synthesized once per test run.

Importing cdktf and the provider bindings costs ~15 s per process, so every test that needs
synthesized JSON shares one synth of all stacks (the same code path as ``main.py``), and
construct tests synthesize small stacks in the same process.
"""

from __future__ import annotations

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
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the run so the long work is spread over both workers of ``-n 2 --dist worksteal``.

    worksteal hands the first half of the list to one worker and the second half to the other; an idle
    worker then steals from the end of the other's queue. So the ``e2e`` drill (when a run includes it)
    goes first, and the modules holding ``slow`` tests (kept whole: module fixtures such as an emulator
    start once) alternate between the heads of the two halves; short tests fill the rest. Without
    xdist this is only an order.
    """
    first = [item for item in items if item.get_closest_marker("e2e") is not None]
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        if item not in first:
            modules.setdefault(item.path, []).append(item)
    slow = [tests for tests in modules.values() if any(item.get_closest_marker("slow") for item in tests)]
    short = [item for tests in modules.values() if tests not in slow for item in tests]
    heads = ([*first, *(item for tests in slow[0::2] for item in tests)],
             [item for tests in slow[1::2] for item in tests])
    fill = max(0, len(items) // 2 - len(heads[0]))
    items[:] = [*heads[0], *short[:fill], *heads[1], *short[fill:]]


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
