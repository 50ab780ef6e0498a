"""Props of the in-store grants (``[data_access]``): what runs them (docs/decisions/0010-in-store-grants.md)."""

from __future__ import annotations

from pydantic import Field

from platform_constructs.k8s.namespaces import GRANTS_NAMESPACE_PREFIX
from platform_constructs.props import MAY_DIFFER, Props, StrictInt, StrictStr

#: A digest-pinned image reference: it runs with a data store's administrator rights, so it never moves.
PINNED_IMAGE_PATTERN = (r"^(?P<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+)"
                        r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$")


def grants_namespace(app: str) -> str:
    """The namespace of ``app``'s grant job (outside every team's deployer scope)."""
    return f"{GRANTS_NAMESPACE_PREFIX}{app}"


class DataAccessProps(Props):
    """How the grants inside the data stores (database users, search role mappings, topics) are applied."""

    runner_image: StrictStr | None = Field(default=None, pattern=PINNED_IMAGE_PATTERN, json_schema_extra=MAY_DIFFER)
    """The platform tools image (``platformctl`` with its ``grants`` extra, and ``psql``) the grant jobs run, from
    the shared registry and pinned by digest, e.g.
    ``4444….dkr.ecr.eu-west-1.amazonaws.com/acme-shared-platform-tools@sha256:…``. Required once an application
    declares a data store. Default: none."""
    job_timeout_seconds: StrictInt = Field(default=300, ge=60, le=1800, json_schema_extra=MAY_DIFFER)
    """How long a grant job may run before the apply fails (``activeDeadlineSeconds``). Default: 300."""
