"""Emulator adjustments for Elastic Load Balancing v2: load balancer defaults.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from typing import Any

from local_aws.adjustments import adjustment


@adjustment(
    "elbv2-default-scheme",
    "A load balancer created without a Scheme is internet-facing and DescribeLoadBalancers says so "
    "(moto stores no scheme and omits it).",
)
def _default_scheme() -> None:
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.create_load_balancer

    def create_load_balancer(self: ELBv2Backend, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("scheme") is None:
            kwargs["scheme"] = "internet-facing"
        return original(self, *args, **kwargs)

    ELBv2Backend.create_load_balancer = create_load_balancer
