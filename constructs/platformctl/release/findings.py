"""Open Amazon Inspector findings of the images an environment runs (``platformctl findings``, promotion to prod).

Inspector's enhanced scanning runs in the registry (shared) account and keeps rescanning every
image there, so a vulnerability published after a deployment shows up as a new finding on an
image that already runs. Findings are looked up by the image's digest (``ecrImageHash``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platformctl.release.image_ref import ImageRef

#: Severities that count as "critical" for running images and promotions.
BLOCKING_SEVERITIES = ("CRITICAL",)


@dataclass(frozen=True)
class Finding:
    """One open finding on one image."""

    arn: str
    severity: str
    title: str

    def __str__(self) -> str:
        return f"{self.severity} {self.title} ({self.arn.rsplit('/', 1)[-1]})"


def finding_filter(digest: str) -> dict[str, Any]:
    """``filterCriteria`` of ListFindings: active findings of blocking severity on the image ``digest``."""
    return {
        "ecrImageHash": [{"comparison": "EQUALS", "value": digest}],
        "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}],
        "severity": [{"comparison": "EQUALS", "value": severity} for severity in BLOCKING_SEVERITIES],
    }


def parse_findings(raw: list[dict[str, Any]], digest: str) -> list[Finding]:
    """The findings of ``raw`` (ListFindings' ``findings``) that are open, blocking and on image ``digest``.

    The filter already asks for exactly these; checking again keeps a loose answer (an emulator that
    ignores filters, a renamed field) from blaming the wrong image.
    """
    found = []
    for item in raw:
        hashes = {resource.get("details", {}).get("awsEcrContainerImage", {}).get("imageHash")
                  for resource in item.get("resources", [])}
        if (digest in hashes and item.get("status", "ACTIVE") == "ACTIVE"
                and item.get("severity") in BLOCKING_SEVERITIES):
            found.append(Finding(arn=item.get("findingArn", "?"), severity=item["severity"],
                                 title=item.get("title", "untitled")))
    return found


def open_findings(inspector: Any, image: ImageRef) -> list[Finding]:
    """Open blocking findings of ``image`` (pinned by digest), from Inspector in the registry account."""
    if image.digest is None:
        raise ValueError(f"{image} is not pinned by digest")
    raw: list[dict[str, Any]] = []
    for page in inspector.get_paginator("list_findings").paginate(filterCriteria=finding_filter(image.digest)):
        raw += page.get("findings", [])
    return parse_findings(raw, image.digest)
