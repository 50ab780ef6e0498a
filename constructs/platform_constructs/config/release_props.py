"""Props of the release path (the ``[release]`` section); tier defaults in ``config/presets/release.toml``."""

from __future__ import annotations

from pydantic import Field

from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictStr


class ReleaseProps(Props):
    """Where an environment's application images may come from.

    Read by ``platformctl promote``: an image reaches this environment only by promotion from one
    of ``promote_from``, where it must be running and verified. Staging takes dev's images and prod
    takes staging's, so nothing reaches prod without passing staging.
    """

    promote_from: tuple[StrictStr, ...] = Field(default=(), json_schema_extra=MAY_DIFFER)
    """Environments whose verified images may be promoted here; empty: none (images are deployed
    directly, as in dev). Default: none."""
    refuse_open_findings: StrictBool = Field(default=False, json_schema_extra=MAY_DIFFER)
    """Refuse to promote an image with open critical Amazon Inspector findings here, unless
    ``platformctl promote --allow-findings --reason TEXT`` overrides it (printed in the log).
    Default: ``False`` (the prod preset turns it on)."""
