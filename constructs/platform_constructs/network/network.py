"""Network: one VPC over N availability zones with public, private and isolated subnets."""

from __future__ import annotations

from platform_constructs._internal.aws_context import assume_role_policy, policy_document
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.network.props import NetworkProps, SubnetTier
from platform_constructs.network.subnet_plan import SubnetPlan, plan_subnets
from platform_constructs.observability.log_group import LogSettings

#: Subnet tags the AWS Load Balancer Controller uses to discover subnets.
_LOAD_BALANCER_ROLE_TAGS: dict[SubnetTier, dict[str, str]] = {
    "public": {"kubernetes.io/role/elb": "1"},
    "private": {"kubernetes.io/role/internal-elb": "1"},
    "isolated": {},
}


class Network(Construct):
    """A VPC with three subnet tiers, NAT by strategy, flow logs and private endpoints.

    - **public**: internet gateway route; hosts NAT gateways and internet-facing load balancers.
    - **private**: default route through NAT; EKS nodes and pods live here.
    - **isolated**: no route to the internet; databases, caches, brokers and search domains.

    Subnets, NAT gateways, EIPs and route tables are keyed by zone letter, so adding a zone
    adds resources and leaves the existing ones untouched. The default security group is
    adopted and stripped of all rules. An S3 gateway endpoint serves the private and isolated
    tiers; interface endpoints are added per ``props.interface_endpoints``.

    Example::

        network = Network(self, "Network", props=NetworkProps(cidr="10.20.0.0/16", nat="single"),
                          region="eu-west-1", naming=Naming("acme", "dev"),
                          logs=LogSettings(retention_days=14, kms_key_arn=logs_key.arn))
        network.subnet_ids("private")  # zone -> subnet id
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: NetworkProps,
        region: str,
        naming: Naming,
        logs: LogSettings,
    ) -> None:
        super().__init__(scope, construct_id)
        # validate + resolve defaults: the plan is pure and raises before any resource exists
        try:
            self.plan: SubnetPlan = plan_subnets(props, region)
        except ConstructValidationError as error:
            raise error.at(self.node.path) from None
        self.props = props
        self.region = region
        self.zones: tuple[str, ...] = self.plan.zones
        self._naming = naming

        # create resources
        self.vpc = aws.vpc.Vpc(
            self, "Vpc", cidr_block=props.cidr, enable_dns_hostnames=True, enable_dns_support=True,
            tags={"Name": naming.name("vpc")},
        )
        aws.default_security_group.DefaultSecurityGroup(
            self, "DefaultSecurityGroup", vpc_id=self.vpc.id, tags={"Name": naming.name("default-closed")}
        )
        self._subnets = {tier: self._create_subnets(tier) for tier in ("public", "private", "isolated")}
        self._route_tables = self._create_routes(props)
        self._create_gateway_endpoint()
        if props.interface_endpoints:
            self._create_interface_endpoints(props.interface_endpoints)
        if props.flow_log_traffic is not None:
            self._create_flow_logs(props.flow_log_traffic, logs)
        self.db_subnet_group = aws.db_subnet_group.DbSubnetGroup(
            self, "DbSubnetGroup", name=naming.name("db"), subnet_ids=self.subnet_id_list("isolated"),
            description="Isolated subnets for databases",
        )
        self.cache_subnet_group = aws.elasticache_subnet_group.ElasticacheSubnetGroup(
            self, "CacheSubnetGroup", name=naming.name("cache"), subnet_ids=self.subnet_id_list("isolated"),
            description="Isolated subnets for caches",
        )

        # expose attributes
        self.vpc_id: str = self.vpc.id
        self.vpc_cidr: str = props.cidr
        self.db_subnet_group_name: str = self.db_subnet_group.name
        self.cache_subnet_group_name: str = self.cache_subnet_group.name

    def subnet_ids(self, tier: SubnetTier) -> dict[str, str]:
        """Zone name → subnet id of one tier."""
        return {zone: subnet.id for zone, subnet in self._subnets[tier].items()}

    def subnet_id_list(self, tier: SubnetTier) -> list[str]:
        """Subnet ids of one tier in zone order."""
        return [self._subnets[tier][zone].id for zone in self.zones]

    def route_table_ids(self, tier: SubnetTier) -> list[str]:
        """Ids of the route tables of one tier (one per zone for private subnets with NAT per zone)."""
        return [table.id for table in self._route_tables[tier]]

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {
            "vpc_id": self.vpc_id,
            "vpc_cidr": self.vpc_cidr,
            "availability_zones": list(self.zones),
            "public_subnet_ids": self.subnet_id_list("public"),
            "private_subnet_ids": self.subnet_id_list("private"),
            "isolated_subnet_ids": self.subnet_id_list("isolated"),
            "db_subnet_group_name": self.db_subnet_group_name,
            "cache_subnet_group_name": self.cache_subnet_group_name,
        }

    def _create_subnets(self, tier: SubnetTier) -> dict[str, aws.subnet.Subnet]:
        return {
            zone: aws.subnet.Subnet(
                self, f"{tier.capitalize()}Subnet{_letter(zone)}",
                vpc_id=self.vpc.id, cidr_block=cidr, availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": self._naming.name(f"{tier}-{_letter(zone).lower()}"), "Tier": tier,
                      **_LOAD_BALANCER_ROLE_TAGS[tier]},
            )
            for zone, cidr in self.plan.for_tier(tier).items()
        }

    def _create_routes(self, props: NetworkProps) -> dict[SubnetTier, list[aws.route_table.RouteTable]]:
        gateway = aws.internet_gateway.InternetGateway(
            self, "InternetGateway", vpc_id=self.vpc.id, tags={"Name": self._naming.name("igw")}
        )
        public = aws.route_table.RouteTable(self, "PublicRouteTable", vpc_id=self.vpc.id,
                                            tags={"Name": self._naming.name("public")})
        aws.route.Route(self, "PublicDefaultRoute", route_table_id=public.id,
                        destination_cidr_block="0.0.0.0/0", gateway_id=gateway.id)
        for zone, subnet in self._subnets["public"].items():
            aws.route_table_association.RouteTableAssociation(
                self, f"PublicRouteTableAssociation{_letter(zone)}", subnet_id=subnet.id, route_table_id=public.id
            )

        nat_ids = self._create_nat_gateways(props)
        private_tables = []
        for zone, subnet in self._subnets["private"].items():
            letter = _letter(zone)
            table = aws.route_table.RouteTable(self, f"PrivateRouteTable{letter}", vpc_id=self.vpc.id,
                                               tags={"Name": self._naming.name(f"private-{letter.lower()}")})
            nat_id = nat_ids.get(zone) or nat_ids.get("*")
            if nat_id is not None:
                aws.route.Route(self, f"PrivateDefaultRoute{letter}", route_table_id=table.id,
                                destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat_id)
            aws.route_table_association.RouteTableAssociation(
                self, f"PrivateRouteTableAssociation{letter}", subnet_id=subnet.id, route_table_id=table.id
            )
            private_tables.append(table)

        isolated = aws.route_table.RouteTable(self, "IsolatedRouteTable", vpc_id=self.vpc.id,
                                              tags={"Name": self._naming.name("isolated")})
        for zone, subnet in self._subnets["isolated"].items():
            aws.route_table_association.RouteTableAssociation(
                self, f"IsolatedRouteTableAssociation{_letter(zone)}", subnet_id=subnet.id, route_table_id=isolated.id
            )
        return {"public": [public], "private": private_tables, "isolated": [isolated]}

    def _create_nat_gateways(self, props: NetworkProps) -> dict[str, str]:
        """NAT gateway id per zone (``per_az``) or under ``*`` (``single``)."""
        if props.nat == "none":
            return {}
        zones = self.zones if props.nat == "per_az" else self.zones[:1]
        nat_ids = {}
        for zone in zones:
            letter = _letter(zone)
            eip = aws.eip.Eip(self, f"NatEip{letter}", domain="vpc",
                              tags={"Name": self._naming.name(f"nat-{letter.lower()}")})
            nat = aws.nat_gateway.NatGateway(
                self, f"NatGateway{letter}", allocation_id=eip.allocation_id,
                subnet_id=self._subnets["public"][zone].id,
                tags={"Name": self._naming.name(f"nat-{letter.lower()}")},
            )
            nat_ids[zone if props.nat == "per_az" else "*"] = nat.id
        return nat_ids

    def _create_gateway_endpoint(self) -> None:
        tables = self._route_tables["private"] + self._route_tables["isolated"]
        aws.vpc_endpoint.VpcEndpoint(
            self, "S3GatewayEndpoint", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{self.region}.s3",
            vpc_endpoint_type="Gateway", route_table_ids=[table.id for table in tables],
            tags={"Name": self._naming.name("s3")},
        )

    def _create_interface_endpoints(self, services: tuple[str, ...]) -> None:
        security_group = aws.security_group.SecurityGroup(
            self, "EndpointSecurityGroup", name=self._naming.name("endpoints"), vpc_id=self.vpc.id,
            description="HTTPS from inside the VPC to interface endpoints",
            tags={"Name": self._naming.name("endpoints")},
        )
        aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
            self, "EndpointHttpsIngress", security_group_id=security_group.id, ip_protocol="tcp",
            from_port=443, to_port=443, cidr_ipv4=self.props.cidr, description="HTTPS from the VPC",
        )
        for service in services:
            aws.vpc_endpoint.VpcEndpoint(
                self, "Endpoint" + "".join(part.capitalize() for part in service.replace("-", ".").split(".")),
                vpc_id=self.vpc.id, service_name=f"com.amazonaws.{self.region}.{service}",
                vpc_endpoint_type="Interface", private_dns_enabled=True,
                subnet_ids=self.subnet_id_list("private"), security_group_ids=[security_group.id],
                tags={"Name": self._naming.name(service.replace(".", "-"))},
            )

    def _create_flow_logs(self, traffic: str, logs: LogSettings) -> None:
        log_group = logs.log_group(self, "FlowLogGroup", f"/aws/vpc/{self._naming.name('flow-logs')}")
        role = aws.iam_role.IamRole(
            self, "FlowLogRole", name=self._naming.name("flow-logs"),
            assume_role_policy=assume_role_policy("vpc-flow-logs.amazonaws.com"),
        )
        aws.iam_role_policy.IamRolePolicy(
            self, "FlowLogPolicy", role=role.id, name="write-flow-logs",
            policy=policy_document({
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [log_group.arn, f"{log_group.arn}:*"],
            }),
        )
        aws.flow_log.FlowLog(
            self, "FlowLog", vpc_id=self.vpc.id, traffic_type=traffic, log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn, iam_role_arn=role.arn, max_aggregation_interval=60,
            tags={"Name": self._naming.name("flow-logs")},
        )


def _letter(zone: str) -> str:
    """Upper-case zone letter used in construct ids (``eu-west-1b`` → ``B``)."""
    return zone[-1].upper()
