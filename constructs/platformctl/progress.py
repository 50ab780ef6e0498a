"""Time-stamped progress lines, so pipeline logs show where the minutes of a deploy or rollback go."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Prints ``[  12.3s] message`` lines, seconds counted from creation."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out or sys.stdout
        self._start = time.monotonic()

    @property
    def elapsed(self) -> float:
        """Seconds since creation."""
        return time.monotonic() - self._start

    def say(self, message: str) -> None:
        """Print one progress line."""
        print(f"[{self.elapsed:7.1f}s] {message}", file=self._out, flush=True)
