"""The tags images carry in the registry, and what each one tells the lifecycle policy.

Tags are immutable in every repository, so a tag names one image forever:

* ``main-<commit>``: built from a commit on the application's main branch (a release candidate);
* ``branch-<commit>``: built from any other branch (a feature build, deployable to dev only);
* ``deployed-<env>-<UTC time>``: added by ``platformctl`` each time the image is made current in
  environment ``<env>`` (deploy, promotion or rollback). An image keeps every such tag, so the
  registry itself records where each image ran, and the lifecycle policy keeps the images of
  each environment's recent history — its current and last good images among them.

Environment names are letters and digits only, so ``deployed-<env>-*`` never matches another
environment's tags, and no build tag starts with ``deployed-``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

MAIN_BUILD_PREFIX = "main-"
BRANCH_BUILD_PREFIX = "branch-"
DEPLOYED_PREFIX = "deployed-"
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


def build_tag(commit: str, *, on_main: bool) -> str:
    """The tag of an image built from ``commit``: ``main-<commit>`` or ``branch-<commit>``."""
    if not _COMMIT.match(commit):
        raise ValueError(f"{commit!r}: a build tag names a commit id (7 to 40 lower-case hex digits)")
    return f"{MAIN_BUILD_PREFIX if on_main else BRANCH_BUILD_PREFIX}{commit}"


def deployed_tag(environment: str, at: datetime) -> str:
    """The tag recording that the image became current in ``environment`` at ``at``."""
    return f"{DEPLOYED_PREFIX}{environment}-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def deployed_pattern(environment: str) -> str:
    """The tag pattern of every image ever made current in ``environment``."""
    return f"{DEPLOYED_PREFIX}{environment}-*"
