"""Release records: which image each application runs, which one last passed verification, and
which platform revision each environment last applied.

SSM parameters per environment and application, in the environment's own account:

* ``/{prefix}/{env}/apps/{app}/pending-release`` — what a deploy or rollback is about to apply
  (image and change cause, as JSON), written *before* ``terraform apply`` and deleted once the
  apply succeeded. One that is still there names an interrupted release (an abort, a timeout, a
  failed apply): the next deploy or rollback reconciles the records with the Terraform state
  before it does anything else, and verification, promotion and record-good refuse until then.
* ``/{prefix}/{env}/apps/{app}/current-image`` and ``…/current-change-cause`` — what Terraform
  last applied, written *after* the apply succeeded (or taken from the state by a
  reconciliation), so they never name a release that did not happen.
* ``/{prefix}/{env}/apps/{app}/last-good-image`` — the image that last passed every check of
  the environment (``platformctl record-good``). Rollback re-applies it.
* ``/{prefix}/{env}/platform-revision`` — the commit of this repository whose configuration
  ``Jenkinsfile-infra`` last applied to the environment. Releases and rollbacks synthesize from
  it, so they never carry configuration the environment has not been given.

Values are canonical digest references (``repository@sha256:…``) or full commit ids; SSM keeps
every earlier value in the parameter history, which is the audit trail of releases.
"""

from __future__ import annotations

import contextlib
import enum
import json
import re
from dataclasses import dataclass
from typing import Any

from platformctl.release.image_ref import ImageRef

APP_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
#: A full git commit id (``git rev-parse HEAD``): short ids can become ambiguous later.
COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Release:
    """What one application should run after an apply."""

    image: ImageRef
    change_cause: str


class RecordKind(enum.Enum):
    """The records kept per environment and application."""

    CURRENT = "current-image"
    CHANGE_CAUSE = "current-change-cause"
    LAST_GOOD = "last-good-image"
    PENDING = "pending-release"


class ReleaseRecords:
    """Reads and writes the release records of one environment.

    Args:
        ssm: a boto3 SSM client for the environment's account and region.
        prefix: the naming prefix (``naming.prefix`` of the configuration).
        environment: the environment name.
    """

    def __init__(self, ssm: Any, prefix: str, environment: str) -> None:
        self._ssm = ssm
        self.prefix = prefix
        self.environment = environment

    def parameter_name(self, app: str, kind: RecordKind) -> str:
        """``/{prefix}/{env}/apps/{app}/{kind}``."""
        if not APP_NAME.match(app):
            raise ValueError(f"app {app!r}: must be 1-40 lower-case letters, digits or dashes, starting with a letter")
        return f"/{self.prefix}/{self.environment}/apps/{app}/{kind.value}"

    def image(self, app: str, kind: RecordKind) -> ImageRef | None:
        """The recorded image (``CURRENT`` or ``LAST_GOOD``), or ``None`` when nothing was recorded yet."""
        value = self._read(self.parameter_name(app, kind))
        return None if value is None else ImageRef.pinned(value)

    def change_cause(self, app: str) -> str | None:
        """The change cause of the current release, or ``None``."""
        return self._read(self.parameter_name(app, RecordKind.CHANGE_CAUSE))

    def record_release(self, app: str, image: ImageRef, change_cause: str, note: str) -> None:
        """Record what Terraform applied (current image and change cause)."""
        self._write(self.parameter_name(app, RecordKind.CURRENT), _pinned(image), note)
        self._write(self.parameter_name(app, RecordKind.CHANGE_CAUSE), change_cause, note)

    def pending(self, app: str) -> Release | None:
        """The release a deploy or rollback started and did not finish, or ``None``."""
        value = self._read(self.parameter_name(app, RecordKind.PENDING))
        if value is None:
            return None
        data = json.loads(value)
        return Release(ImageRef.pinned(data["image"]), data["change_cause"])

    def record_pending(self, app: str, release: Release, note: str) -> None:
        """Record the release an apply is about to make (before ``terraform apply``)."""
        value = json.dumps({"image": _pinned(release.image), "change_cause": release.change_cause}, sort_keys=True)
        self._write(self.parameter_name(app, RecordKind.PENDING), value, note)

    def clear_pending(self, app: str) -> None:
        """Forget the pending release: it was applied, or reconciled with the state."""
        with contextlib.suppress(self._ssm.exceptions.ParameterNotFound):
            self._ssm.delete_parameter(Name=self.parameter_name(app, RecordKind.PENDING))

    def platform_revision_name(self) -> str:
        """``/{prefix}/{env}/platform-revision``."""
        return f"/{self.prefix}/{self.environment}/platform-revision"

    def platform_revision(self) -> str | None:
        """The commit whose configuration the environment last applied, or ``None``."""
        return self._read(self.platform_revision_name())

    def record_platform_revision(self, commit: str, note: str) -> int:
        """Record that the environment's stacks were applied from ``commit``; returns the parameter's version."""
        if not COMMIT.match(commit):
            raise ValueError(f"{commit!r}: a platform revision is a full 40-character commit id")
        return self._write(self.platform_revision_name(), commit, note)

    def record_good(self, app: str, image: ImageRef, note: str) -> int:
        """Record ``image`` as the last good one; returns the parameter's new version."""
        return self._write(self.parameter_name(app, RecordKind.LAST_GOOD), _pinned(image), note)

    def _read(self, name: str) -> str | None:
        try:
            value: str = self._ssm.get_parameter(Name=name)["Parameter"]["Value"]
        except self._ssm.exceptions.ParameterNotFound:
            return None
        return value

    def _write(self, name: str, value: str, note: str) -> int:
        """``note`` (who, which build) becomes the parameter description, kept in its history."""
        response = self._ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True,
                                           Description=note[:1024])
        return int(response["Version"])

    def history(self, app: str, kind: RecordKind) -> list[tuple[int, str, str]]:
        """Every recorded value, oldest first: ``(version, image, note)``."""
        name = self.parameter_name(app, kind)
        entries: list[tuple[int, str, str]] = []
        kwargs: dict[str, Any] = {"Name": name}
        try:
            while True:
                page = self._ssm.get_parameter_history(**kwargs)
                entries += [(int(p["Version"]), p["Value"], p.get("Description", "")) for p in page["Parameters"]]
                if not page.get("NextToken"):
                    return sorted(entries)
                kwargs["NextToken"] = page["NextToken"]
        except self._ssm.exceptions.ParameterNotFound:
            return []


def _pinned(image: ImageRef) -> str:
    if image.digest is None:
        raise ValueError(f"{image}: only digest references are recorded")
    return str(image)
