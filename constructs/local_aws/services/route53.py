"""Emulator adjustments for Route 53: private hosted zones.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from typing import Any

from local_aws.adjustments import adjustment


@adjustment(
    "route53-private-zone-by-vpc",
    "CreateHostedZone with a VPC creates a private zone associated with that VPC, as the API reference "
    "states (a VPC makes the zone private; HostedZoneConfig.PrivateZone is not needed); moto creates a "
    "public zone and drops the VPC unless HostedZoneConfig.PrivateZone is true.",
)
def _private_zone_by_vpc() -> None:
    from moto.route53.responses import Route53

    original = Route53.create_hosted_zone

    def create_hosted_zone(self: Route53) -> Any:
        if self._get_param("VPC.VPCId"):
            self.params.setdefault("HostedZoneConfig", {})["PrivateZone"] = True
        return original(self)

    Route53.create_hosted_zone = create_hosted_zone
