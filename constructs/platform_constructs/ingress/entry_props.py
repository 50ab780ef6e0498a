"""Props of one application's HTTPS entry (``[apps.<name>.ingress]`` in an environment file).

What is the application's own business: under which name it is reached, from where (inside the
network or from the internet), which paths the load balancer forwards and which path its health
check asks. Everything else comes from the tier's ``[ingress]`` preset.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from platform_constructs.dns.dns_props import DomainName
from platform_constructs.k8s.findings import raise_findings
from platform_constructs.props import MAY_DIFFER, Props, StrictStr

Visibility = Literal["internal", "internet-facing"]
#: A DNS label: the host's name below the environment's domain.
SubName = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
_PATH_PATTERN = re.compile(r"^/[A-Za-z0-9_.$/~\"'@:+&*?-]{0,127}$")
_URL_PATH = re.compile(r"^/[A-Za-z0-9_.~/%+:@!$&'()=,;-]{0,1023}$")


def _path_pattern(value: str) -> str:
    if not _PATH_PATTERN.match(value):
        raise ValueError("must be an ALB path pattern: '/' then up to 127 letters, digits or _ . $ / ~ \" ' @ : + & - "
                         "with * and ? as wildcards, e.g. '/api/*'")
    return value


def _url_path(value: str) -> str:
    if not _URL_PATH.match(value):
        raise ValueError("must be an absolute URL path such as '/ready': a leading '/', no spaces, wildcards, "
                         "query or fragment")
    return value


#: An ALB path pattern: starts with ``/``, up to 128 characters, ``*`` and ``?`` as wildcards.
PathPattern = Annotated[StrictStr, AfterValidator(_path_pattern)]
#: An absolute URL path without wildcards, query or fragment.
HealthCheckPath = Annotated[StrictStr, AfterValidator(_url_path)]
#: Most path patterns one listener rule takes besides its host condition (ALB allows five condition values).
MAX_PATHS = 4
#: Listener-rule priorities an ALB accepts.
LISTENER_PRIORITIES = range(1, 50_000)
#: Load balancers and target groups have names of at most 32 characters.
MAX_LB_NAME_LENGTH = 32


class AppIngress(Props):
    """How one application is reached over HTTPS."""

    sub_name: SubName | None = None
    """Name below the environment's domain: ``api`` gives ``api.prod.acme.example``.
    Default: derived – the application's name (unless ``host`` is set)."""
    host: DomainName | None = Field(default=None, json_schema_extra=MAY_DIFFER)
    """Full host name instead of ``sub_name``; must lie below the environment's ``dns.domain``.
    Default: derived – ``<sub_name>.<dns.domain>``."""
    visibility: Visibility = "internal"
    """``internal``: reachable from the VPC and ``ingress.internal_client_cidrs`` only;
    ``internet-facing``: from anywhere, behind the WAF (where the tier allows it). Default: ``internal``."""
    paths: tuple[PathPattern, ...] = Field(default=("/*",), min_length=1, max_length=MAX_PATHS)
    """Path patterns forwarded to the application (ALB syntax, ``*`` and ``?`` wildcards). Default: ``("/*",)``."""
    health_check_path: HealthCheckPath | None = None
    """Path the load balancer's health check requests (2xx or 3xx is healthy).
    Default: derived – the readiness check's ``http_get`` path."""

    @model_validator(mode="after")
    def _one_name(self) -> AppIngress:
        if self.host is not None and self.sub_name is not None:
            raise_findings(type(self).__name__, [("host", self.host, f"set either host or sub_name "
                                                  f"({self.sub_name!r}), not both")])
        return self

    def host_in(self, app: str, domain: str) -> str:
        """The effective host of application ``app`` in an environment whose domain is ``domain``."""
        return self.host or f"{self.sub_name or app}.{domain}"


def listener_rule_priority(host: str) -> int:
    """A stable listener-rule priority for ``host`` on a shared load balancer.

    Derived from the host alone, so adding or removing one application never renumbers (and never
    changes) another application's rule; the configuration refuses two hosts that collide.
    """
    digest = int(hashlib.sha256(host.encode()).hexdigest(), 16)
    return LISTENER_PRIORITIES.start + digest % len(LISTENER_PRIORITIES)


def load_balancer_name(prefix: str, environment: str, component: str) -> str:
    """``{prefix}-{environment}-{component}``, the name of a load balancer (at most 32 characters)."""
    return f"{prefix}-{environment}-{component}"


def target_group_name(prefix: str, environment: str, app: str, port: int) -> str:
    """``{prefix}-{environment}-{app}-{port}``: the port is in the name because changing it replaces the target
    group, and the new one is created before the old one is removed (two groups, two names)."""
    return f"{prefix}-{environment}-{app}-{port}"
