"""An application's host and public URL, from configuration alone (no cdktf, no AWS call).

``platformctl`` and the pipelines ask here instead of composing ``https://<app>.<env>.<domain>``
themselves, so a host set in ``[apps.<name>.ingress]`` is the one every caller uses::

    from platform_constructs.config import load_platform
    from platform_constructs.ingress.urls import app_url

    env = load_platform("environments").environments["prod"]
    app_url(env, "api", "/healthz")   # 'https://api.prod.acme.example/healthz'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platform_constructs.config.schema import EnvironmentConfig


class NoEntryError(LookupError):
    """The application does not exist in the environment, or has no ``[apps.<name>.ingress]``."""


def app_host(env: EnvironmentConfig, app: str) -> str:
    """The host name application ``app`` is reached at in ``env``, e.g. ``api.prod.acme.example``."""
    workload = env.apps.get(app)
    if workload is None:
        known = ", ".join(sorted(env.apps)) or "none"
        raise NoEntryError(f"{env.name} has no application {app!r} (applications: {known})")
    if workload.ingress is None:
        raise NoEntryError(f"application {app!r} of {env.name} has no HTTPS entry; add [apps.{app}.ingress]")
    return workload.ingress.host_in(app, env.dns.domain)


def app_url(env: EnvironmentConfig, app: str, path: str = "") -> str:
    """``https://<host><path>`` of application ``app`` in ``env``; ``path`` must be empty or start with ``/``."""
    if path and not path.startswith("/"):
        raise ValueError(f"path {path!r} must start with '/'")
    return f"https://{app_host(env, app)}{path}"
