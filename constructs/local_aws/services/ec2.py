"""Emulator adjustments for EC2: launch-template tags, security-group rule descriptions, transit
gateway attachments (their tags; hubs shared through RAM).

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from typing import Any

from local_aws.adjustments import adjustment

#: Tag specifications of CreateLaunchTemplate itself tag the template; only these types may
#: appear in the template's data (what launched instances and their volumes get).
_TEMPLATE_ONLY_RESOURCE_TYPES = {"launch-template"}


@adjustment(
    "ec2-launch-template-tags-stay-on-the-template",
    "CreateLaunchTemplate's own TagSpecifications tag the launch template; the template data "
    "keeps only the tag specifications it was given for instances and volumes (moto copies the "
    "template's tags into the data, a perpetual diff and a new version on every apply).",
)
def _launch_template_tags() -> None:
    from moto.ec2.responses.launch_templates import LaunchTemplates

    original = LaunchTemplates.create_launch_template

    def create_launch_template(self: LaunchTemplates) -> Any:
        result = original(self)
        template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
        for version in template.versions:
            specifications = version.data.get("TagSpecifications")
            if specifications is not None:
                version.data["TagSpecifications"] = [
                    spec for spec in specifications if spec.get("ResourceType") not in _TEMPLATE_ONLY_RESOURCE_TYPES]
                if not version.data["TagSpecifications"]:
                    del version.data["TagSpecifications"]
        return result

    LaunchTemplates.create_launch_template = create_launch_template


@adjustment(
    "ec2-security-group-rule-descriptions",
    "A security-group rule that references another security group or a prefix list keeps its "
    "Description (moto reports descriptions of CIDR rules only).",
)
def _security_group_rule_descriptions() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self: SecurityGroupRule) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get("Description")

    SecurityGroupRule.description = property(description)  # type: ignore[assignment]  # moto: a method; AWS: a field


#: Tag key by which moto lets a caller choose a resource's id (moto's convention for its EC2 resources).
CUSTOM_ID_TAG = "_custom_id_"


@adjustment(
    "ec2-transit-gateway-shared-through-ram",
    "A transit gateway another account shares through AWS RAM is visible to the participant account "
    "(DescribeTransitGateways) and usable there: a VPC attachment (accepted by the owner, which associates "
    "it) and routes to it. The landing zone's hub keeps the id the configuration declares (moto's "
    "_custom_id_ tag, as for its other EC2 resources).",
)
def _transit_gateways_shared_through_ram() -> None:
    from moto.ec2.models.transit_gateway import TransitGatewayBackend
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend, TransitGatewayVpcAttachment

    original_init = TransitGatewayBackend.__init__
    original_create = TransitGatewayBackend.create_transit_gateway
    original_attach = TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment

    def init(self: Any) -> None:
        original_init(self)
        self.transit_gateways = _SharedTransitGateways(self)

    def create_transit_gateway(self: Any, description: str | None, options: dict[str, str] | None = None,
                               tags: list[dict[str, str]] | None = None) -> Any:
        gateway = original_create(self, description, options, tags)
        custom = next((tag["Value"] for tag in tags or [] if tag["Key"] == CUSTOM_ID_TAG), None)
        if custom is not None:
            dict.pop(self.transit_gateways, gateway.id)
            gateway.id = gateway.default_route_table.transit_gateway_id = custom
            dict.__setitem__(self.transit_gateways, custom, gateway)
        return gateway

    def create_transit_gateway_vpc_attachment(self: Any, transit_gateway_id: str, vpc_id: str, subnet_ids: list[str],
                                              tags: dict[str, str] | None = None,
                                              options: dict[str, str] | None = None) -> Any:
        gateway = self.transit_gateways.get(transit_gateway_id)
        if gateway is None or gateway.ec2_backend.account_id == self.account_id:
            return original_attach(self, transit_gateway_id, vpc_id, subnet_ids, tags, options)
        # a shared hub: the attachment lives in this account; the owner associates it with its route tables
        attachment = TransitGatewayVpcAttachment(self, transit_gateway=gateway, tags=tags, vpc_id=vpc_id,
                                                 subnet_ids=subnet_ids, options=options)
        attachment.transit_gateway_route_table = None
        self.transit_gateway_attachments[attachment.id] = attachment
        return attachment

    TransitGatewayBackend.__init__ = init
    TransitGatewayBackend.create_transit_gateway = create_transit_gateway
    TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment


@adjustment(
    "ec2-transit-gateway-attachment-deleted-state",
    "A deleted transit gateway VPC attachment stays listed for a while in state 'deleted', as AWS lists it "
    "(moto forgets it at once, and the provider's delete waiter, which waits for state 'deleted', fails after "
    "its not-found retries: \"couldn't find resource (21 retries)\").",
)
def _deleted_transit_gateway_attachments_stay_listed() -> None:
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend

    original = TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment

    def delete_transit_gateway_vpc_attachment(self: Any, transit_gateway_attachment_id: str) -> Any:
        attachment = original(self, transit_gateway_attachment_id)  # moto sets state "deleted" and forgets it
        self.transit_gateway_attachments[attachment.id] = attachment
        return attachment

    TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment = delete_transit_gateway_vpc_attachment


class _SharedTransitGateways(dict[str, Any]):
    """An account's transit gateways: its own, then those other accounts share with it through RAM (same region)."""

    def __init__(self, backend: Any) -> None:
        super().__init__()
        self._backend = backend

    def _shared(self) -> dict[str, Any]:
        from moto.ec2.models import ec2_backends
        from moto.ram.models import ram_backends

        region, me = self._backend.region_name, self._backend.account_id
        found: dict[str, Any] = {}
        for owner in list(ram_backends):
            if owner == me or region not in ram_backends[owner]:
                continue
            for share in ram_backends[owner][region].resource_shares:
                if share.status != "ACTIVE" or me not in share.principals:
                    continue
                for arn in share.resource_arns:
                    if ":transit-gateway/" in arn:
                        gateway = dict.get(ec2_backends[owner][region].transit_gateways, arn.rsplit("/", 1)[1])
                        if gateway is not None:
                            found[gateway.id] = gateway
        return found

    def get(self, key: str, default: Any = None) -> Any:
        own = dict.get(self, key)
        return own if own is not None else self._shared().get(key, default)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def values(self) -> list[Any]:  # type: ignore[override]
        return [*dict.values(self), *self._shared().values()]


@adjustment(
    "ec2-transit-gateway-attachment-tags",
    "CreateTransitGatewayVpcAttachment tags the attachment with its TagSpecifications of resource type "
    "transit-gateway-attachment (moto reads those of type transit-gateway-route-table, so the attachment "
    "stays untagged and every plan wants to add its tags).",
)
def _transit_gateway_attachment_tags() -> None:
    from moto.ec2.responses.transit_gateway_attachments import TransitGatewayAttachment

    original = TransitGatewayAttachment.create_transit_gateway_vpc_attachment

    def create_transit_gateway_vpc_attachment(self: TransitGatewayAttachment) -> Any:
        result = original(self)
        tags = self._parse_tag_specification().get("transit-gateway-attachment", {})
        if tags:
            created = self.ec2_backend.describe_transit_gateway_vpc_attachments(filters={
                "transit-gateway-id": [self._get_param("TransitGatewayId")], "vpc-id": [self._get_param("VpcId")]})
            created[-1].add_tags(tags)  # the newest: an earlier, deleted attachment of the same VPC may remain
        return result

    TransitGatewayAttachment.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment
