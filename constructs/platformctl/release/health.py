"""Post-deployment health signals: an HTTP smoke request and the environment's CloudWatch alarms."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


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
            request = urllib.request.Request(url, method="GET")  # noqa: S310 - the operator's own --smoke-url
            with urllib.request.urlopen(request, timeout=timeout_seconds) as response:  # noqa: S310 - likewise
                return CheckResult("smoke", True, f"GET {url} -> {response.status} (attempt {attempt})")
        except urllib.error.HTTPError as error:
            last = f"GET {url} -> {error.code}"
        except (urllib.error.URLError, OSError) as error:
            last = f"GET {url} failed: {getattr(error, 'reason', error)}"
        if attempt < attempts:
            time.sleep(interval_seconds)
    return CheckResult("smoke", False, f"{last} after {attempts} attempt(s)")


def alarms_in_alarm(cloudwatch: Any, name_prefix: str) -> CheckResult:
    """Fail when any metric or composite alarm whose name starts with ``name_prefix`` is in ALARM."""
    firing: list[str] = []
    paginator = cloudwatch.get_paginator("describe_alarms")
    # the state is filtered here rather than with StateValue: the local emulator ignores
    # StateValue when AlarmNamePrefix is given, and the result is the same against AWS
    for page in paginator.paginate(AlarmNamePrefix=name_prefix, AlarmTypes=["MetricAlarm", "CompositeAlarm"]):
        for alarm in page.get("MetricAlarms", []) + page.get("CompositeAlarms", []):
            if alarm["StateValue"] == "ALARM":
                firing.append(f"{alarm['AlarmName']} ({alarm.get('StateReason', 'no reason given')})")
    if firing:
        return CheckResult("alarms", False, f"{len(firing)} alarm(s) in ALARM: " + "; ".join(sorted(firing)))
    return CheckResult("alarms", True, f"no alarm named {name_prefix}* is in ALARM")
