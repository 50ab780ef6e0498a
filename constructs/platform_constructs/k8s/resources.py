"""Container CPU and memory requests and limits, with Kubernetes quantity parsing.

Requests drive scheduling (and the HPA's utilisation), limits cap the container. Both are
always set (checkov CKV_K8S_10–13); a limit below its request is refused here, as the API would.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from platform_constructs.errors import Problem
from platform_constructs.props import MAY_DIFFER, Props, StrictStr, refuse_in_validator

_QUANTITY = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<suffix>m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
_FACTORS = {
    None: Decimal(1), "m": Decimal("0.001"), "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
}


def quantity_value(text: str) -> Decimal:
    """A Kubernetes quantity (``250m``, ``1``, ``0.5``, ``512Mi``, ``1G``) as a number of base units."""
    match = _QUANTITY.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a Kubernetes quantity; "
                         "write e.g. '250m' or '1' (CPU), '512Mi' or '1Gi' (memory)")
    return Decimal(match.group("number")) * _FACTORS[match.group("suffix")]


def _positive_quantity(text: str) -> str:
    if quantity_value(text) <= 0:
        raise ValueError(f"must be greater than zero, got {text!r}")
    return text


#: A positive Kubernetes quantity written as text.
Quantity = Annotated[StrictStr, AfterValidator(_positive_quantity)]


class CpuMemory(Props):
    """A CPU and a memory quantity."""

    cpu: Quantity
    """CPU in cores or millicores, e.g. ``250m``. Default: required."""
    memory: Quantity
    """Memory in bytes with a suffix, e.g. ``256Mi``. Default: required."""

    def terraform(self) -> dict[str, str]:
        """The ``requests`` / ``limits`` map of a container."""
        return {"cpu": self.cpu, "memory": self.memory}


class ComputeResources(Props):
    """Requests and limits of the workload's container."""

    requests: CpuMemory = Field(default=CpuMemory(cpu="100m", memory="128Mi"), json_schema_extra=MAY_DIFFER)
    """Reserved for the container on its node; the HPA measures utilisation against the CPU request. Default: 100m CPU,
    128Mi memory."""
    limits: CpuMemory = Field(default=CpuMemory(cpu="500m", memory="256Mi"), json_schema_extra=MAY_DIFFER)
    """Hard cap; the container is throttled (CPU) or killed (memory) above it. Default: 500m CPU, 256Mi memory."""

    @model_validator(mode="after")
    def _limits_cover_requests(self) -> ComputeResources:
        refuse_in_validator(type(self).__name__, [
            Problem("k8s.limit-below-request", f"limits.{resource}", limit,
                    f"is below requests.{resource} ({request}); a limit must be at least its request")
            for resource in ("cpu", "memory")
            if quantity_value(limit := getattr(self.limits, resource))
            < quantity_value(request := getattr(self.requests, resource))
        ])
        return self
