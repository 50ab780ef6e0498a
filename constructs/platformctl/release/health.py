"""Post-deployment health signals: the result of one check, and an HTTP smoke request (alarms: ``evidence``)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: a name, pass/fail and what was seen."""

    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def smoke(url: str, *, attempts: int, interval_seconds: float, timeout_seconds: float) -> CheckResult:
    """GET ``url`` until it answers 2xx, at most ``attempts`` times ``interval_seconds`` apart.

    Retrying covers load balancers that still register the new targets right after a rollout.
    """
    last = "no attempt made"
    for attempt in range(1, attempts + 1):
        try:
            request = urllib.request.Request(url, method="GET")  # noqa: S310 - --smoke-url, http(s) only (verify checks)
            with urllib.request.urlopen(request, timeout=timeout_seconds) as response:  # noqa: S310 - likewise
                return CheckResult("smoke", True, f"GET {url} -> {response.status} (attempt {attempt})")
        except urllib.error.HTTPError as error:
            last = f"GET {url} -> {error.code}"
        except (urllib.error.URLError, OSError) as error:
            last = f"GET {url} failed: {getattr(error, 'reason', error)}"
        if attempt < attempts:
            time.sleep(interval_seconds)
    return CheckResult("smoke", False, f"{last} after {attempts} attempt(s)")

