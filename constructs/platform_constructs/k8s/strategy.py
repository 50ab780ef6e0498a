"""Deployment strategies as value objects: ``RollingUpdate.of(...)`` and ``Recreate()``.

The rolling update carries the exact Kubernetes semantics of ``maxSurge`` / ``maxUnavailable``
(K8S-ROLLOUT-AND-JENKINS.md §A.2): percentages are resolved against the replica count, surge
rounding up and unavailable rounding down, and when both resolve to 0 the Deployment controller
silently uses ``maxUnavailable = 1`` (``ResolveFenceposts`` in
``pkg/controller/deployment/util/deployment_util.go``). :meth:`RollingUpdate.preview` shows those
numbers for a replica count, so a surprise becomes a synth-time error instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_constructs.errors import Problem, refuse
from platform_constructs.k8s.scale import Count, CountOrPercent, Percent


@dataclass(frozen=True)
class Fenceposts:
    """What a rolling update does at one replica count.

    Attributes:
        replicas: desired pods.
        max_surge: extra pods allowed above ``replicas`` (surge rounded up).
        max_unavailable: pods allowed below ``replicas`` (rounded down, or the forced 1).
        coerced: Kubernetes replaced a resolved ``0 / 0`` by ``max_unavailable = 1``.
    """

    replicas: int
    max_surge: int
    max_unavailable: int
    coerced: bool

    @property
    def min_available(self) -> int:
        """Fewest available pods during the update."""
        return max(self.replicas - self.max_unavailable, 0)

    @property
    def max_pods(self) -> int:
        """Most pods (old + new, not counting terminating ones) during the update."""
        return self.replicas + self.max_surge

    @property
    def pods_per_wave(self) -> int:
        """New pods started at once: surge pods plus the old pods allowed to go first."""
        return self.max_surge + self.max_unavailable

    @property
    def waves(self) -> int:
        """Rounds of (start new pods, wait until available) needed to replace every pod."""
        return -(-self.replicas // self.pods_per_wave) if self.replicas else 0


def rolling_update_problems(max_surge: CountOrPercent, max_unavailable: CountOrPercent) -> list[Problem]:
    """Why ``RollingUpdate.of(max_surge=..., max_unavailable=...)`` would be refused; ``[]`` when it is valid."""
    if max_surge.is_zero and max_unavailable.is_zero:
        return [Problem(
            "rollout.surge-and-unavailable-zero", "max_unavailable", str(max_unavailable),
            f"may not be {max_unavailable} when max_surge is {max_surge}: the rollout could never start a new "
            "pod nor stop an old one; allow at least one surge pod (e.g. max_surge = 1) or one unavailable pod",
        )]
    return []


#: Kubernetes' default for both ``maxSurge`` and ``maxUnavailable``.
_API_DEFAULT = Percent(25)


@dataclass(frozen=True)
class RollingUpdate:
    """Replace pods gradually; build with :meth:`of`.

    Example::

        RollingUpdate.of(max_surge=Percent(25), max_unavailable=Count(0)).preview(10)
        # Fenceposts(replicas=10, max_surge=3, max_unavailable=0, coerced=False)
    """

    max_surge: CountOrPercent
    max_unavailable: CountOrPercent

    @classmethod
    def of(cls, *, max_surge: CountOrPercent = _API_DEFAULT,
           max_unavailable: CountOrPercent = _API_DEFAULT) -> RollingUpdate:
        """A rolling update; refuses ``max_surge`` and ``max_unavailable`` both 0 (the API would too).

        Raises:
            ConstructValidationError: ``rollout.surge-and-unavailable-zero`` on field ``max_unavailable``.
        """
        refuse(rolling_update_problems(max_surge, max_unavailable))
        return cls(max_surge, max_unavailable)

    @property
    def type(self) -> str:
        """The Kubernetes ``strategy.type``."""
        return "RollingUpdate"

    def preview(self, replicas: int) -> Fenceposts:
        """The resolved surge / unavailable for ``replicas`` desired pods, exactly as the controller does it."""
        surge = self.max_surge.resolve(replicas, round_up=True)
        unavailable = self.max_unavailable.resolve(replicas, round_up=False)
        if surge == 0 and unavailable == 0:
            return Fenceposts(replicas, 0, 1, coerced=True)
        return Fenceposts(replicas, surge, unavailable, coerced=False)

    def terraform(self) -> dict[str, object]:
        """The ``spec.strategy`` block of ``kubernetes_deployment_v1``."""
        return {"type": self.type,
                "rolling_update": {"max_surge": str(self.max_surge), "max_unavailable": str(self.max_unavailable)}}


@dataclass(frozen=True)
class Recreate:
    """Stop every old pod, then start the new ones: downtime on every release, but never two versions at once."""

    @property
    def type(self) -> str:
        """The Kubernetes ``strategy.type``."""
        return "Recreate"

    def preview(self, replicas: int) -> Fenceposts:
        """All pods go at once: one wave, every pod unavailable."""
        return Fenceposts(replicas, 0, replicas, coerced=False)

    def terraform(self) -> dict[str, object]:
        """The ``spec.strategy`` block of ``kubernetes_deployment_v1``."""
        return {"type": self.type}


#: Either strategy.
DeploymentStrategy = RollingUpdate | Recreate

__all__ = ["Count", "DeploymentStrategy", "Fenceposts", "Percent", "Recreate", "RollingUpdate"]
