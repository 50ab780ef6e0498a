"""Timing of a target group's health check, and how long a new target takes to be reported healthy.

With readiness gates a new pod is Ready only once the load balancer reports its target healthy, so
this timing is part of every rollout wave (:mod:`platform_constructs.k8s.rto`) and lives in the
tier's ``[rollout]`` preset next to the probe timing.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from platform_constructs.duration import Duration, DurationField
from platform_constructs.errors import Problem
from platform_constructs.props import Props, StrictInt, refuse_in_validator

#: Assumed time from a pod appearing in the Service's endpoints to its target being registered and
#: first checked (the controller's reconcile plus the registration call). An assumption, not an AWS
#: figure: it enters the RTO estimate so the estimate stays on the slow side.
TARGET_REGISTRATION_LAG = Duration.seconds(10)
#: Assumed time from a pod leaving the Service's endpoints to the load balancer sending it no new
#: requests (the controller deregisters the target, the load balancer propagates it). The preStop
#: drain of a zero-downtime tier must last at least this long.
LOAD_BALANCER_STOP_LAG = Duration.seconds(10)


class TargetHealthCheck(Props):
    """How often the load balancer checks a target and how many results decide."""

    interval: DurationField = Field(default=Duration.seconds(10))
    """Time between checks, 5s to 300s. Default: ``10s``."""
    timeout: DurationField = Field(default=Duration.seconds(5))
    """Time one check may take, 2s to 120s and shorter than ``interval``. Default: ``5s``."""
    healthy_threshold: StrictInt = Field(default=2, ge=2, le=10)
    """Consecutive successes that make a target healthy. Default: 2."""
    unhealthy_threshold: StrictInt = Field(default=2, ge=2, le=10)
    """Consecutive failures that make a target unhealthy. Default: 2."""

    @model_validator(mode="after")
    def _within_alb_limits(self) -> TargetHealthCheck:
        problems = []
        if not Duration.seconds(5) <= self.interval <= Duration.seconds(300):
            problems.append(Problem("ingress.health-check-interval", "interval", str(self.interval),
                                    "must be from 5s to 300s (ALB limits)"))
        if not Duration.seconds(2) <= self.timeout <= Duration.seconds(120):
            problems.append(Problem("ingress.health-check-timeout", "timeout", str(self.timeout),
                                    "must be from 2s to 120s (ALB limits)"))
        elif self.timeout >= self.interval:
            problems.append(Problem("ingress.health-check-timeout", "timeout", str(self.timeout),
                                    f"must be shorter than interval ({self.interval})"))
        refuse_in_validator(type(self).__name__, problems)
        return self

    @property
    def time_to_healthy(self) -> Duration:
        """Time from a new pod's readiness to its target counting as healthy (registration lag included)."""
        return TARGET_REGISTRATION_LAG + self.interval * self.healthy_threshold

    def terraform(self) -> dict[str, Any]:
        """The timing part of an ``aws_lb_target_group`` ``health_check`` block."""
        return {"interval": self.interval.to_seconds(), "timeout": self.timeout.to_seconds(),
                "healthy_threshold": self.healthy_threshold, "unhealthy_threshold": self.unhealthy_threshold}
