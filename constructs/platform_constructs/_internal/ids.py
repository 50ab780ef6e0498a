"""Construct ids derived from names given in configuration."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def pascal_id(name: str) -> str:
    """A stable PascalCase construct-id part for a configured name (``aws-ebs-csi-driver`` → ``AwsEbsCsiDriver``).

    Construct ids are public API: a configured name keeps its resources' logical ids as long as
    the name itself does not change.
    """
    return "".join(part[:1].upper() + part[1:] for part in _SEPARATORS.split(name) if part)
