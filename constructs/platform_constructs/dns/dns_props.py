"""Props of the DNS zones: ``[dns]`` in an environment file, ``[parent_zone]`` in ``shared.toml``.

An environment's domain is a sub-domain of the parent domain, e.g. ``prod.acme.example`` under
``acme.example``. Applications are published one label below it (``api.prod.acme.example``), so
one wildcard certificate per environment covers every host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field

from platform_constructs.naming import Naming
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictStr

if TYPE_CHECKING:
    from platform_constructs.config.schema import SharedConfig

#: Which hosted zones an environment has. ``public``: one zone resolvable from the internet (ACM
#: validates certificates through it). ``private``: one zone visible only inside the VPC.
#: ``both``: split horizon – a public zone and a private zone of the same name.
ZoneKind = Literal["public", "private", "both"]

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
#: Longest domain name DNS allows (RFC 1035), without the trailing dot.
MAX_DOMAIN_LENGTH = 253


def domain_problem(value: str) -> str | None:
    """Why ``value`` is not a lower-case DNS name of at least two labels, or ``None`` when it is one."""
    labels = value.split(".")
    if len(value) > MAX_DOMAIN_LENGTH:
        return f"has {len(value)} characters; DNS names stop at {MAX_DOMAIN_LENGTH}"
    if len(labels) < 2:
        return "must have at least two labels, e.g. acme.example"
    bad = [label for label in labels if not _LABEL.match(label)]
    if bad:
        return (f"label {bad[0]!r} is not a DNS label: 1-63 lower-case letters, digits and dashes, "
                "not starting or ending with a dash")
    return None


def _domain(value: str) -> str:
    problem = domain_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def is_label(value: str) -> bool:
    """Whether ``value`` is one DNS label (lower case)."""
    return bool(_LABEL.match(value))


#: A lower-case, fully qualified DNS name without the trailing dot, e.g. ``prod.acme.example``.
DomainName = Annotated[StrictStr, AfterValidator(_domain)]


def is_subdomain(name: str, parent: str) -> bool:
    """Whether ``name`` lies strictly below ``parent`` (``api.prod.acme.example`` below ``acme.example``)."""
    return name.endswith(f".{parent}")


class DnsProps(Props):
    """The environment's DNS zones; tier defaults live in ``config/presets/dns.toml``."""

    domain: DomainName = Field(json_schema_extra=MAY_DIFFER)
    """The environment's domain, a sub-domain of the shared parent domain (``[parent_zone]`` in
    ``shared.toml``), e.g. ``prod.acme.example``; applications are published one label below it.
    Default: required."""
    zones: ZoneKind = "both"
    """Hosted zones of the domain: ``public``, ``private`` (VPC only) or ``both`` (split horizon:
    internet-facing hosts in both, internal hosts only in the private zone). Certificates are
    validated through the public zone, so an environment with application entries needs one.
    Default: ``both``."""
    deletion_protection: StrictBool = True
    """Refuse ``terraform destroy`` of the hosted zones (``prevent_destroy``): a new zone gets new name
    servers, and the parent's delegation would point at the old ones until re-applied. Default: ``True``."""

    @property
    def has_public_zone(self) -> bool:
        """Whether the environment has a zone resolvable from the internet."""
        return self.zones in ("public", "both")

    @property
    def has_private_zone(self) -> bool:
        """Whether the environment has a zone visible only inside its VPC."""
        return self.zones in ("private", "both")


class ParentZoneProps(Props):
    """The parent domain every environment's domain is delegated from (``[parent_zone]`` in ``shared.toml``).

    The shared stack creates its public hosted zone in the shared account; each environment's
    platform stack writes the NS records of its own public zone into it.
    """

    domain: DomainName
    """The organisation's parent domain, e.g. ``acme.example``. Default: required."""


@dataclass(frozen=True)
class Delegation:
    """Where an environment's platform stack writes the NS records of its public zone."""

    parent_domain: str
    """The parent zone's domain, e.g. ``acme.example``."""
    account_id: str
    """The shared account, which holds the parent zone."""
    region: str
    """Region of the provider that writes the records (Route 53 itself is global)."""
    role_name: str
    """Role in the shared account that may write exactly this environment's NS records."""

    @property
    def role_arn(self) -> str:
        """The ARN of :attr:`role_name`."""
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name}"


def delegation_role_name(shared_prefix: str, environment: str) -> str:
    """Name of the role in the shared account that writes ``environment``'s delegation (created by the shared stack)."""
    return Naming(shared_prefix, "shared").name(f"dns-delegation-{environment}")


def delegation_for(shared: SharedConfig, environment: str) -> Delegation | None:
    """How ``environment``'s zone is delegated from ``shared``'s parent zone, or ``None`` without a parent zone.

    Built from ``shared.toml`` alone, which every environment's synth cache key covers.
    """
    if shared.parent_zone is None:
        return None
    return Delegation(parent_domain=shared.parent_zone.domain, account_id=shared.aws.account_id,
                      region=shared.aws.region, role_name=delegation_role_name(shared.naming.prefix, environment))
