"""A Docker client configuration holding a short-lived ECR token, for image builders such as BuildKit.

The token comes from ``ecr:GetAuthorizationToken`` with the caller's credentials (the build pod's
identity), lasts 12 hours, and is written only into a file readable by its owner; no password is
ever passed on a command line or through the pipeline's Groovy code.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

_ECR_HOST = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws\.com$")


def ecr_region(registry_host: str) -> str:
    """The region of an ECR registry host (``<account>.dkr.ecr.<region>.amazonaws.com``)."""
    match = _ECR_HOST.match(registry_host)
    if match is None:
        raise ValueError(f"{registry_host!r} is not an ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com)")
    return match["region"]


def write_docker_config(ecr: Any, registry_host: str, directory: Path) -> datetime:
    """Write ``directory/config.json`` with an ECR token for ``registry_host``; returns its expiry."""
    data = ecr.get_authorization_token()["authorizationData"][0]
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / "config.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as config:
        # the token is base64("AWS:<password>"), exactly the form Docker's "auth" field takes
        json.dump({"auths": {registry_host: {"auth": data["authorizationToken"]}}}, config)
    expires: datetime = data["expiresAt"]
    return expires
