"""Props of the :class:`~platform_constructs.network.network.Network` construct."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from platform_constructs.props import MAY_DIFFER, Cidr, Props, StrictInt, StrictStr

SubnetTier = Literal["public", "private", "isolated"]
NatStrategy = Literal["none", "single", "per_az"]
InterfaceEndpoint = Literal[
    "ecr.api", "ecr.dkr", "sts", "logs", "ssm", "ssmmessages", "ec2messages", "kms",
    "secretsmanager", "elasticloadbalancing", "autoscaling", "ec2", "eks", "eks-auth",
]
FlowLogTraffic = Literal["ALL", "ACCEPT", "REJECT"]


class ExplicitSubnets(Props):
    """Hand-written subnet CIDRs per tier, keyed by availability-zone name.

    Use it to describe an existing layout (brownfield); otherwise leave it unset and let the
    construct compute the plan.
    """

    public: dict[StrictStr, Cidr]
    """Public subnets (load balancers, NAT gateways). Default: required."""
    private: dict[StrictStr, Cidr]
    """Private subnets with NAT egress (EKS nodes and pods). Default: required."""
    isolated: dict[StrictStr, Cidr]
    """Isolated subnets without internet route (databases, caches, brokers). Default: required."""


class NetworkProps(Props):
    """Shape of one VPC: address plan, NAT, flow logs and endpoints.

    The subnet plan gives every tier a block of ``az_slots`` equal subnets and gives each
    availability zone the slot of its letter (``a`` = 0, ``b`` = 1, ...). Adding a zone
    therefore never moves, and never recreates, the subnets of the others.
    """

    cidr: Cidr = Field(default="10.0.0.0/16", json_schema_extra=MAY_DIFFER)
    """IPv4 range of the VPC. Default: ``10.0.0.0/16``."""
    az_count: StrictInt = Field(default=3, ge=1, le=6, json_schema_extra=MAY_DIFFER)
    """Number of availability zones used. Default: 3."""
    availability_zones: tuple[StrictStr, ...] | None = Field(default=None, json_schema_extra=MAY_DIFFER)
    """Explicit zone names. Default: derived – the region name plus ``a``, ``b``, ``c`` ... up to ``az_count``."""
    az_slots: StrictInt = Field(default=4, ge=1, le=6, json_schema_extra=MAY_DIFFER)
    """Subnet slots reserved per tier; zone letters must fall inside. Default: 4 (zones a–d)."""
    public_prefix_length: StrictInt = Field(default=24, ge=16, le=28, json_schema_extra=MAY_DIFFER)
    """Prefix length of each public subnet. Default: 24 (256 addresses)."""
    private_prefix_length: StrictInt = Field(default=19, ge=16, le=28, json_schema_extra=MAY_DIFFER)
    """Prefix length of each private subnet; EKS pods take their IPs from here. Default: 19."""
    isolated_prefix_length: StrictInt = Field(default=24, ge=16, le=28, json_schema_extra=MAY_DIFFER)
    """Prefix length of each isolated subnet. Default: 24."""
    subnets: ExplicitSubnets | None = Field(default=None, json_schema_extra=MAY_DIFFER)
    """Explicit subnet CIDRs instead of the computed plan. Default: unset (computed)."""
    nat: NatStrategy = Field(default="per_az", json_schema_extra=MAY_DIFFER)
    """NAT gateways: ``none``, ``single`` (one, in the first zone) or ``per_az``. Default: ``per_az``."""
    flow_log_traffic: FlowLogTraffic | None = "ALL"
    """Traffic captured by VPC flow logs; ``None`` turns them off. Default: ``ALL``."""
    interface_endpoints: tuple[InterfaceEndpoint, ...] = ()
    """Interface endpoints created in the private subnets. Default: none (the S3 gateway endpoint always exists)."""

    @model_validator(mode="after")
    def _zones_match_count(self) -> NetworkProps:
        if self.availability_zones is not None and len(self.availability_zones) != self.az_count:
            raise ValueError(
                f"availability_zones lists {len(self.availability_zones)} zone(s) but az_count is {self.az_count}"
            )
        return self
