"""Container probes: *what* to check (a workload's :class:`ProbeAction`) and *how often* (the tier's
:class:`ProbeTiming`).

The split is deliberate: an application team knows its health endpoints, while the timing of the
probes decides how long a rollout and a rollback take, so it belongs to the tier's rollout preset
and enters the RTO budget (:mod:`platform_constructs.k8s.rto`).

Semantics (K8S-ROLLOUT-AND-JENKINS.md §A.5): the startup probe holds back the other two until it
succeeds; readiness gates Service endpoints and therefore rollout progress; liveness restarts the
container. Kubernetes requires ``successThreshold`` = 1 for liveness and startup probes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from platform_constructs.duration import Duration, DurationField
from platform_constructs.errors import Problem
from platform_constructs.props import Props, StrictInt, StrictStr, refuse_in_validator

ProbeKind = Literal["startup", "readiness", "liveness"]


class ProbeAction(Props):
    """One health check; set exactly one of ``http_get``, ``tcp_socket`` or ``command``.

    In an environment file: ``readiness = { http_get = "/ready" }``,
    ``liveness = { tcp_socket = 8080 }`` or ``startup = { command = ["cat", "/tmp/started"] }``.
    From Python use the factories :meth:`http`, :meth:`tcp` and :meth:`exec`.
    """

    http_get: StrictStr | None = Field(default=None, pattern=r"^/[^\s]*$")
    """HTTP GET path (must start with ``/``); 2xx/3xx is healthy. Default: unset."""
    port: StrictInt | None = Field(default=None, ge=1, le=65535)
    """Port of the HTTP check. Default: derived – the workload's container port."""
    tcp_socket: StrictInt | None = Field(default=None, ge=1, le=65535)
    """Port that must accept a TCP connection. Default: unset."""
    command: tuple[StrictStr, ...] | None = Field(default=None, min_length=1)
    """Command run in the container; exit code 0 is healthy. Default: unset."""

    @model_validator(mode="after")
    def _exactly_one_action(self) -> ProbeAction:
        chosen = [name for name in ("http_get", "tcp_socket", "command") if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError(f"set exactly one of http_get, tcp_socket or command; got {', '.join(chosen) or 'none'}")
        problems = []
        if self.port is not None and self.http_get is None:
            problems.append(Problem("k8s.probe-port", "port", self.port,
                                    "applies only to http_get; tcp_socket names its own port"))
        if self.command is not None and not all(part.strip() for part in self.command):
            problems.append(Problem("k8s.probe-command", "command", list(self.command),
                                    "may not contain empty arguments"))
        refuse_in_validator(type(self).__name__, problems)
        return self

    @classmethod
    def http(cls, path: str, port: int | None = None) -> ProbeAction:
        """HTTP GET ``path`` on ``port`` (default: the container port)."""
        return cls(http_get=path, port=port)

    @classmethod
    def tcp(cls, port: int) -> ProbeAction:
        """A TCP connection to ``port``."""
        return cls(tcp_socket=port)

    @classmethod
    def exec(cls, command: list[str] | tuple[str, ...]) -> ProbeAction:
        """Run ``command`` inside the container."""
        return cls(command=tuple(command))

    def terraform(self, container_port: int) -> dict[str, Any]:
        """The action part of a ``*_probe`` block of ``kubernetes_deployment_v1``."""
        if self.http_get is not None:
            return {"http_get": {"path": self.http_get, "port": str(self.port or container_port)}}
        if self.tcp_socket is not None:
            return {"tcp_socket": [{"port": str(self.tcp_socket)}]}
        return {"exec": {"command": list(self.command or ())}}


class ProbeTiming(Props):
    """How often a probe runs and how many results decide; whole seconds as Kubernetes requires."""

    period: DurationField = Field(default=Duration.seconds(10))
    """Time between checks (``periodSeconds``), at least 1s. Default: ``10s``."""
    timeout: DurationField = Field(default=Duration.seconds(1))
    """Time a single check may take (``timeoutSeconds``), 1s up to ``period``. Default: ``1s``."""
    initial_delay: DurationField = Field(default=Duration.seconds(0))
    """Wait before the first check (``initialDelaySeconds``). Default: ``0s``."""
    failure_threshold: StrictInt = Field(default=3, ge=1, le=100)
    """Consecutive failures that count as failed (``failureThreshold``). Default: 3."""
    success_threshold: StrictInt = Field(default=1, ge=1, le=10)
    """Consecutive successes that count as healthy; must be 1 for liveness and startup. Default: 1."""

    @model_validator(mode="after")
    def _timeout_fits_period(self) -> ProbeTiming:
        problems = []
        if self.period < Duration.seconds(1):
            problems.append(Problem("k8s.probe-period", "period", str(self.period), "must be at least 1s"))
        if not Duration.seconds(1) <= self.timeout <= self.period:
            problems.append(Problem("k8s.probe-timeout", "timeout", str(self.timeout),
                                    f"must be from 1s up to period ({self.period})"))
        refuse_in_validator(type(self).__name__, problems)
        return self

    @property
    def worst_case(self) -> Duration:
        """Longest time until the probe's verdict: initial delay plus every allowed attempt."""
        return self.initial_delay + self.period * max(self.failure_threshold, self.success_threshold)

    @property
    def time_to_healthy(self) -> Duration:
        """Time for a healthy container to be reported healthy: initial delay plus the required successes."""
        return self.initial_delay + self.period * self.success_threshold

    def terraform(self) -> dict[str, int]:
        """The timing part of a ``*_probe`` block of ``kubernetes_deployment_v1``."""
        return {
            "period_seconds": self.period.to_seconds(),
            "timeout_seconds": self.timeout.to_seconds(),
            "initial_delay_seconds": self.initial_delay.to_seconds(),
            "failure_threshold": self.failure_threshold,
            "success_threshold": self.success_threshold,
        }
