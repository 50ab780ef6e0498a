"""Container image references, and the rule that releases move by digest.

A tag (``api:3f2c1e0``) can be re-pointed; a digest (``api@sha256:<64 hex>``) cannot. Every
image the pipelines deploy, record as good or promote is a digest reference, so "the image
verified in staging" is byte-for-byte the image that reaches prod.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# registry host[:port]/path, lower-case path components (OCI distribution spec)
_REPOSITORY = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$"
)
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")

DIGEST_FORM = "<registry>/<repository>@sha256:<64 hex digits>"


class InvalidImageRef(ValueError):
    """An image reference is malformed or not pinned by digest."""


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference.

    Attributes:
        repository: registry host and path, e.g. ``4444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api``.
        tag: the tag, if one was written (informational once a digest is present).
        digest: ``sha256:<hex>``, if pinned.
    """

    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> ImageRef:
        """Parse ``repository[:tag][@sha256:hex]``; raise :class:`InvalidImageRef` naming what is wrong."""
        remainder, _, digest = text.partition("@")
        if "@" in text and not _DIGEST.match(digest):
            raise InvalidImageRef(f"{text!r}: the digest must be sha256:<64 lower-case hex digits>")
        repository, tag = remainder, None
        last_slash = remainder.rfind("/")
        colon = remainder.rfind(":")
        if colon > last_slash:
            repository, tag = remainder[:colon], remainder[colon + 1:]
            if not _TAG.match(tag):
                raise InvalidImageRef(f"{text!r}: tag {tag!r} is not a valid tag")
        if not _REPOSITORY.match(repository):
            raise InvalidImageRef(f"{text!r}: {repository!r} is not a valid repository name")
        return cls(repository, tag, digest or None)

    @classmethod
    def pinned(cls, text: str) -> ImageRef:
        """Parse and require a digest; the error says why tags are refused.

        The result carries no tag: with a digest the tag names nothing more, and two
        references to the same repository and digest compare equal.
        """
        ref = cls.parse(text)
        if ref.digest is None:
            raise InvalidImageRef(
                f"{text!r} is not pinned by digest; releases move by digest ({DIGEST_FORM}) because a tag "
                "can be re-pointed after verification"
            )
        return cls(ref.repository, None, ref.digest)

    def __str__(self) -> str:
        """The canonical form: ``repository@digest`` when pinned (a tag adds nothing then)."""
        if self.digest:
            return f"{self.repository}@{self.digest}"
        return f"{self.repository}:{self.tag}" if self.tag else self.repository
