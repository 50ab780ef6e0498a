"""The unit tier stays in one process: no Terraform CLI and no local AWS emulator (those are tests/integration).

A unit test marked ``terraform`` or ``emulator`` fails at once; one that starts ``terraform`` or the emulator's
server process anyway fails when it tries, naming the tier it belongs to.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

#: Markers of tests that start processes the unit tier must not start.
OUT_OF_PROCESS_MARKERS = frozenset({"terraform", "emulator", "e2e"})
#: The emulator's server runs as ``python -m local_aws.server``.
EMULATOR_MODULE = "local_aws.server"


class OutOfProcessError(AssertionError):
    """A unit test tried to start Terraform or the emulator."""


def starts_out_of_process(args: Any) -> bool:
    """Whether a ``subprocess.Popen`` argument list runs the Terraform CLI or the emulator server."""
    argv = [str(arg) for arg in args] if isinstance(args, (list, tuple)) else str(args).split()
    return bool(argv) and (Path(argv[0]).name == "terraform" or EMULATOR_MODULE in argv)


@pytest.fixture(autouse=True)
def _unit_tests_stay_in_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    marked = sorted({marker.name for marker in request.node.iter_markers()} & OUT_OF_PROCESS_MARKERS)
    if marked:
        pytest.fail(f"a unit test may not be marked {', '.join(marked)}; move it to tests/integration", pytrace=False)
    start = subprocess.Popen.__init__

    def guarded(self: subprocess.Popen[Any], args: Any, *rest: Any, **options: Any) -> None:
        if starts_out_of_process(args):
            raise OutOfProcessError(f"unit tests run in one process; {args!r} belongs in tests/integration")
        start(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)  # undone by monkeypatch after the test
