"""Props of the search domain (OpenSearch) and the rules that tie them to the zones they run in."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from platform_constructs.errors import Problem
from platform_constructs.props import MAY_DIFFER, Props, StrictBool, StrictInt, StrictStr

#: TLS policies of the HTTPS endpoint that refuse TLS 1.0 and 1.1.
TlsSecurityPolicy = Literal["Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-2019-07"]

#: Component of the domain name (``{prefix}-{env}-search``) and the longest name OpenSearch accepts.
DOMAIN_COMPONENT = "search"
DOMAIN_NAME_MAX_LENGTH = 28

#: Current-generation families with EBS storage, encryption at rest and fine-grained access control.
_NODE_TYPE = re.compile(r"^(t3\.(small|medium)|(m5|m6g|m7g|c5|c6g|c7g|r5|r6g|r7g)\.(large|xlarge|\d+xlarge))\.search$")

#: Largest EBS volume (GiB) of the burstable types; the other types accept far more.
_VOLUME_LIMITS_GIB = {"t3.small.search": 100, "t3.medium.search": 200}


def _node_type(value: str) -> str:
    if not _NODE_TYPE.match(value):
        raise ValueError(
            "must be an OpenSearch instance type of a current family with EBS storage: t3.small.search, "
            "t3.medium.search, or <m5|m6g|m7g|c5|c6g|c7g|r5|r6g|r7g>.<large|xlarge|Nxlarge>.search"
        )
    return value


def _start_time(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError("must be a UTC time of day as HH:MM, e.g. 22:00")
    return value


#: An OpenSearch node instance type such as ``r6g.large.search``.
NodeInstanceType = Annotated[StrictStr, AfterValidator(_node_type)]
#: A time of day in UTC, ``HH:MM``.
UtcTimeOfDay = Annotated[StrictStr, AfterValidator(_start_time)]


class SearchProps(Props):
    """Settings of the search domain (OpenSearch); tier defaults live in ``config/presets/search.toml``.

    What is not a prop is not negotiable: VPC-only access, encryption at rest with a
    customer-managed key, node-to-node encryption, HTTPS only, fine-grained access control with
    an IAM master role and anonymous access off, gp3 volumes, slow and application logs, and an
    access policy scoped to the domain.
    """

    enabled: StrictBool = True
    """Whether the environment has this OpenSearch domain; applications can declare a use of it only when it
    does. Default: ``True``."""
    engine_version: StrictStr = Field(default="OpenSearch_2.19", pattern=r"^OpenSearch_\d+\.\d+$")
    """Engine, ``OpenSearch_<major>.<minor>``. Default: ``OpenSearch_2.19``."""
    instance_type: NodeInstanceType = Field(default="r6g.large.search", json_schema_extra=MAY_DIFFER)
    """Data node instance type. Default: ``r6g.large.search``."""
    instance_count: StrictInt = Field(default=3, ge=1, le=80, json_schema_extra=MAY_DIFFER)
    """Data nodes; a multiple of ``availability_zone_count`` with zone awareness. Default: 3."""
    dedicated_master_enabled: StrictBool = True
    """Three (or five) dedicated master nodes keep cluster management off the data nodes. Default: on."""
    dedicated_master_type: NodeInstanceType = Field(default="m6g.large.search", json_schema_extra=MAY_DIFFER)
    """Instance type of the dedicated masters (unused when they are off). Default: ``m6g.large.search``."""
    dedicated_master_count: Literal[3, 5] = Field(default=3, json_schema_extra=MAY_DIFFER)
    """Dedicated masters: an odd quorum of 3 or 5. Default: 3."""
    zone_awareness: StrictBool = True
    """Spread data nodes and replicas over ``availability_zone_count`` zones; off puts every node in the
    first zone. Default: on."""
    availability_zone_count: Literal[2, 3] = Field(default=3, json_schema_extra=MAY_DIFFER)
    """Zones used with zone awareness (unused without it). Default: 3."""
    volume_size_gib: StrictInt = Field(default=100, ge=10, le=16384, json_schema_extra=MAY_DIFFER)
    """gp3 EBS storage per data node (GiB); t3.small.search holds at most 100, t3.medium.search 200.
    Default: 100."""
    tls_security_policy: TlsSecurityPolicy = "Policy-Min-TLS-1-2-PFS-2023-10"
    """TLS policy of the HTTPS endpoint: TLS 1.2 or later. Default: ``Policy-Min-TLS-1-2-PFS-2023-10``
    (TLS 1.2–1.3, forward-secret ciphers only)."""
    master_role_arn: StrictStr | None = Field(default=None, pattern=r"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$",
                                              json_schema_extra=MAY_DIFFER)
    """IAM role mapped to the fine-grained access control master user. Default: derived – a role
    ``{prefix}-{env}-search-admin`` created with the domain, assumable by principals of the account whose IAM
    policies allow it."""
    audit_logs: StrictBool = True
    """Publish audit logs (the security plugin's audit configuration chooses the events). Default: on."""
    off_peak_window_start: UtcTimeOfDay = Field(default="22:00", json_schema_extra=MAY_DIFFER)
    """Start (UTC) of the daily 10-hour window in which service software updates and other disruptive
    changes run. Default: ``22:00``."""
    deletion_protection: StrictBool = True
    """Refuse to destroy the domain. OpenSearch has no deletion protection of its own, so this becomes the
    Terraform ``lifecycle.prevent_destroy`` of the domain: a plan that deletes or replaces it fails.
    Default: on."""

    @property
    def zones_used(self) -> int:
        """Zones the data nodes live in: ``availability_zone_count`` with zone awareness, else one."""
        return self.availability_zone_count if self.zone_awareness else 1

    def problems(self, zone_count: int, *, zones_field: str, prefix: str = "") -> list[Problem]:
        """Rules across fields and against the zones available, every one at once; ``[]`` when valid.

        Args:
            zone_count: zones (one isolated subnet each) the domain may use.
            zones_field: where that number comes from, named in messages (``subnet_ids``,
                ``network.az_count``).
            prefix: prepended to the props' own field names (``search.`` in configuration files).
        """
        found = []

        def problem(code: str, field: str, value: object, message: str) -> None:
            found.append(Problem(f"search.{code}", field, value, message))

        if self.zones_used > zone_count:
            value: int
            if self.zone_awareness:
                field, value = f"{prefix}availability_zone_count", self.availability_zone_count
            else:
                field, value = zones_field, zone_count
            problem("zone-count", field, value,
                    f"the domain needs {self.zones_used} zone(s) but {zone_count} are available ({zones_field})")
        if self.zone_awareness and self.instance_count % self.availability_zone_count:
            problem("instance-count", f"{prefix}instance_count", self.instance_count,
                    f"{self.instance_count} data nodes cannot be spread evenly over {self.availability_zone_count} "
                    f"zones; use a multiple of {self.availability_zone_count}")
        limit = _VOLUME_LIMITS_GIB.get(self.instance_type)
        if limit is not None and self.volume_size_gib > limit:
            problem("volume-size", f"{prefix}volume_size_gib", self.volume_size_gib,
                    f"{self.volume_size_gib} GiB is more than {self.instance_type} holds (at most {limit} GiB)")
        return found
