"""Warnings with stable ids: a risky but legal choice is reported at synth, never refused.

The id (``platform:<domain>:<camelCaseName>``) stays the same across releases, so a reader can search
for it and a pipeline can grep the synth output for it; the message says what is risky and what to do.
"""

from __future__ import annotations

import re

from platform_constructs._internal.tf import Annotations, IConstruct

WARNING_ID = re.compile(r"^platform:[a-z][a-z0-9]*:[a-z][A-Za-z0-9]*$")


def warn(scope: IConstruct, warning_id: str, message: str) -> None:
    """Add the warning ``[warning_id] message`` to ``scope``; cdktf prints it at synth with the construct path."""
    if not WARNING_ID.match(warning_id):
        raise ValueError(f"warning id {warning_id!r} must look like platform:<domain>:<camelCaseName>")
    Annotations.of(scope).add_warning(f"[{warning_id}] {message}")
