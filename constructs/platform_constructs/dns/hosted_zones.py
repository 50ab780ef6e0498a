"""Hosted zones: the shared account's parent zone, and each environment's public and/or private zone.

The parent zone lives in the shared account. Each environment's platform stack creates its own
zones and writes the NS records of its public zone into the parent through a role of the shared
account that may change exactly those records (:class:`ParentZone` creates one per environment).
"""

from __future__ import annotations

from collections.abc import Mapping

from platform_constructs._internal.aws_context import account_id, partition, policy_document
from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.dns.dns_props import DnsProps, ParentZoneProps, delegation_role_name
from platform_constructs.naming import Naming

#: TTL of the delegation NS records: an hour, so a re-delegation (new zone) reaches resolvers the same day.
DELEGATION_TTL = 3600


class ParentZone(Construct):
    """The parent domain's public zone (shared account) and one delegation role per environment.

    Each role may be assumed from the shared account (where the deploying pipeline runs) and can change
    only the NS records of its environment's domain in this zone (``route53:ChangeResourceRecordSets``
    limited by the normalized record name and the record type).

    Example::

        ParentZone(self, "ParentZone", props=shared.parent_zone, naming=Naming("acme", "shared"),
                   environment_domains={"prod": "prod.acme.example"})
    """

    def __init__(self, scope: Construct, construct_id: str, *, props: ParentZoneProps, naming: Naming,
                 environment_domains: Mapping[str, str]) -> None:
        super().__init__(scope, construct_id)
        self.zone = aws.route53_zone.Route53Zone(
            self, "Zone", name=props.domain, comment=f"Parent of every environment's domain ({naming.prefix})",
            force_destroy=False,
            # every environment's delegation points at this zone's name servers
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        self.zone_id: str = self.zone.zone_id
        self.delegation_roles = {
            environment: self._delegation_role(naming, environment, domain)
            for environment, domain in sorted(environment_domains.items())
        }

    def _delegation_role(self, naming: Naming, environment: str, domain: str) -> aws.iam_role.IamRole:
        aws_partition = partition(self)
        role = aws.iam_role.IamRole(
            self, f"DelegationRole{pascal_id(environment)}", name=delegation_role_name(naming.prefix, environment),
            description=f"Writes the NS delegation of {domain} into {self.zone.name}",
            assume_role_policy=policy_document({
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": f"arn:{aws_partition}:iam::{account_id(self)}:root"},
            }),
        )
        aws.iam_role_policy.IamRolePolicy(
            self, f"DelegationPolicy{pascal_id(environment)}", role=role.id, name="write-own-delegation",
            policy=policy_document(
                {"Sid": "WriteOwnDelegation", "Effect": "Allow", "Action": "route53:ChangeResourceRecordSets",
                 "Resource": self.zone.arn,
                 "Condition": {"ForAllValues:StringEquals": {
                     "route53:ChangeResourceRecordSetsNormalizedRecordNames": [domain],
                     "route53:ChangeResourceRecordSetsRecordTypes": ["NS"]}}},
                {"Sid": "ReadParentZone", "Effect": "Allow", "Resource": self.zone.arn,
                 "Action": ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]},
                {"Sid": "FindParentZone", "Effect": "Allow", "Resource": "*",
                 "Action": ["route53:ListHostedZones", "route53:ListHostedZonesByName"]},
                {"Sid": "FollowChanges", "Effect": "Allow", "Action": "route53:GetChange",
                 "Resource": f"arn:{aws_partition}:route53:::change/*"},
            ),
        )
        return role


class EnvironmentZones(Construct):
    """The hosted zones of one environment's domain, and its delegation from the parent zone.

    - ``public``: a public zone; with ``parent_provider`` its NS records are written into the parent
      zone (a provider acting in the shared account, see :class:`ParentZone`);
    - ``private``: a private zone associated with the environment's VPC;
    - ``both``: split horizon – both zones, same name.

    ``prevent_destroy`` follows ``props.deletion_protection``.

    Example::

        zones = EnvironmentZones(self, "Zones", props=env.dns, vpc_id=network.vpc_id,
                                 parent_provider=shared_dns_provider, parent_domain="acme.example")
        zones.public_zone_id
    """

    def __init__(self, scope: Construct, construct_id: str, *, props: DnsProps, vpc_id: str,
                 parent_provider: aws.provider.AwsProvider | None = None, parent_domain: str | None = None) -> None:
        super().__init__(scope, construct_id)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=props.deletion_protection)
        self.domain = props.domain
        self.public_zone: aws.route53_zone.Route53Zone | None = None
        self.private_zone: aws.route53_zone.Route53Zone | None = None
        if props.has_public_zone:
            self.public_zone = aws.route53_zone.Route53Zone(
                self, "PublicZone", name=props.domain, comment=f"{props.domain} (public)", force_destroy=False,
                lifecycle=lifecycle)
            if parent_provider is not None and parent_domain is not None:
                self._delegate(self.public_zone, parent_provider, parent_domain)
        if props.has_private_zone:
            self.private_zone = aws.route53_zone.Route53Zone(
                self, "PrivateZone", name=props.domain, comment=f"{props.domain} (private, VPC only)",
                force_destroy=False, vpc=[aws.route53_zone.Route53ZoneVpc(vpc_id=vpc_id)], lifecycle=lifecycle)
        self.public_zone_id: str | None = self.public_zone.zone_id if self.public_zone else None
        self.private_zone_id: str | None = self.private_zone.zone_id if self.private_zone else None

    def _delegate(self, zone: aws.route53_zone.Route53Zone, provider: aws.provider.AwsProvider, parent: str) -> None:
        lookup = aws.data_aws_route53_zone.DataAwsRoute53Zone(self, "ParentZone", name=parent, private_zone=False,
                                                               provider=provider)
        aws.route53_record.Route53Record(
            self, "Delegation", provider=provider, zone_id=lookup.zone_id, name=self.domain, type="NS",
            ttl=DELEGATION_TTL, records=zone.name_servers,
        )

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        found: dict[str, object] = {"domain": self.domain}
        if self.public_zone is not None:
            found.update(public_zone_id=self.public_zone.zone_id, name_servers=self.public_zone.name_servers)
        if self.private_zone is not None:
            found["private_zone_id"] = self.private_zone.zone_id
        return found
