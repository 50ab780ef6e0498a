"""Release records: which image each application runs, and which one last passed verification.

SSM parameters per environment and application, in the environment's own account:

* ``/{prefix}/{env}/apps/{app}/current-image`` — the image the last deploy or rollback applied,
  and ``…/current-change-cause`` its ``kubernetes.io/change-cause``. Both are written *before*
  ``terraform apply``: a failed apply leaves them naming the failed release, so a promotion from
  that environment is refused until the environment is good again. A deploy of one application
  re-applies the others with exactly these values, so their Deployments do not change.
* ``/{prefix}/{env}/apps/{app}/last-good-image`` — the image that last passed every check of
  the environment (``platformctl record-good``). Rollback re-applies it.

Values are canonical digest references (``repository@sha256:…``); SSM keeps every earlier
value in the parameter history, which is the audit trail of releases.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from platformctl.release.image_ref import ImageRef

APP_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


class RecordKind(enum.Enum):
    """The records kept per environment and application."""

    CURRENT = "current-image"
    CHANGE_CAUSE = "current-change-cause"
    LAST_GOOD = "last-good-image"


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
        """Record what a deploy or rollback is about to apply (current image and change cause)."""
        self._write(self.parameter_name(app, RecordKind.CURRENT), _pinned(image), note)
        self._write(self.parameter_name(app, RecordKind.CHANGE_CAUSE), change_cause, note)

    def record_good(self, app: str, image: ImageRef, note: str) -> int:
        """Record ``image`` as the last good one; returns the parameter's new version."""
        return self._write(self.parameter_name(app, RecordKind.LAST_GOOD), _pinned(image), note)

    def _read(self, name: str) -> str | None:
        try:
            return self._ssm.get_parameter(Name=name)["Parameter"]["Value"]
        except self._ssm.exceptions.ParameterNotFound:
            return None

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
