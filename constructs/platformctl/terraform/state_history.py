"""Earlier versions of a stack's Terraform state, from the versioned state bucket.

Restoring goes through ``terraform state push`` rather than an S3 copy: Terraform then takes
the S3 lock, refuses a state of another lineage, and writes the restored content as a new,
newer version — the bad version stays in the bucket's history, so a restore can itself be
undone. To let ``state push`` accept it, the restored content gets the next serial number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Suffix of the S3-native lock object (``use_lockfile = true``).
LOCK_SUFFIX = ".tflock"


class StateRestoreRefused(ValueError):
    """The requested version cannot be restored (unknown, current, other lineage, lock held)."""


@dataclass(frozen=True)
class StateVersion:
    """One stored version of a state object."""

    version_id: str
    last_modified: datetime
    size: int
    is_latest: bool


class StateHistory:
    """The versions of one state object.

    Args:
        s3: boto3 S3 client with access to the state bucket (the caller's credentials, as the backend uses).
        bucket: state bucket.
        key: state object key of the stack.
    """

    def __init__(self, s3: Any, bucket: str, key: str) -> None:
        self._s3 = s3
        self.bucket = bucket
        self.key = key

    def versions(self) -> list[StateVersion]:
        """Every version of the state object, newest first."""
        found: list[StateVersion] = []
        for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=self.key):
            found += [
                StateVersion(v["VersionId"], v["LastModified"], int(v["Size"]), bool(v["IsLatest"]))
                for v in page.get("Versions", []) if v["Key"] == self.key
            ]
        return sorted(found, key=lambda v: v.last_modified, reverse=True)

    def lock_holder(self) -> dict[str, Any] | None:
        """The lock information Terraform wrote, when a run holds the state lock."""
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=self.key + LOCK_SUFFIX)["Body"].read()
        except self._s3.exceptions.NoSuchKey:
            return None
        try:
            holder: dict[str, Any] = json.loads(body)
        except ValueError:
            return {"Info": body.decode(errors="replace")}
        return holder

    def restorable(self, version_id: str) -> dict[str, Any]:
        """The content of ``version_id``, renumbered to follow the current state.

        Raises:
            StateRestoreRefused: the version does not exist, is already current, belongs to
                another lineage, or a Terraform run holds the lock.
        """
        versions = {v.version_id: v for v in self.versions()}
        if version_id not in versions:
            known = ", ".join(list(versions)[:10]) or "none"
            raise StateRestoreRefused(
                f"--to-version {version_id!r}: no such version of s3://{self.bucket}/{self.key} (newest: {known})"
            )
        if versions[version_id].is_latest:
            raise StateRestoreRefused(f"--to-version {version_id!r} is already the current state; nothing to restore")
        holder = self.lock_holder()
        if holder is not None:
            raise StateRestoreRefused(
                f"the state is locked by {holder.get('Who', 'unknown')} "
                f"({holder.get('Operation', 'unknown operation')}, since {holder.get('Created', 'unknown')}); "
                "wait for that run to finish"
            )
        current = self._read(None)
        target = self._read(version_id)
        if target.get("lineage") != current.get("lineage"):
            raise StateRestoreRefused(
                f"--to-version {version_id!r} has lineage {target.get('lineage')!r} but the stack's state has "
                f"{current.get('lineage')!r}: it is not a version of this stack's state"
            )
        return {**target, "serial": int(current.get("serial", 0)) + 1}

    def _read(self, version_id: str | None) -> dict[str, Any]:
        extra = {"VersionId": version_id} if version_id else {}
        body = self._s3.get_object(Bucket=self.bucket, Key=self.key, **extra)["Body"].read()
        try:
            state: dict[str, Any] = json.loads(body)
        except ValueError:
            raise StateRestoreRefused(f"s3://{self.bucket}/{self.key} version {version_id or 'current'} "
                                      "is not a Terraform state (not JSON)") from None
        return state
