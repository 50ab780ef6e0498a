"""EnvironmentIngress: what an environment's application entries share, created in its platform stack."""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.ids import pascal_id
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.dns.dns_props import DnsProps
from platform_constructs.dns.hosted_zones import EnvironmentZones
from platform_constructs.ingress.access_logs import LoadBalancerLogBucket
from platform_constructs.ingress.entry_props import AppIngress, load_balancer_name
from platform_constructs.ingress.ingress_props import IngressProps
from platform_constructs.ingress.load_balancer import HttpsLoadBalancer
from platform_constructs.ingress.web_acl import WebAcl, web_acl_name
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesWriter
from platform_constructs.security.certificate import DnsValidatedCertificate


class EnvironmentIngress(Construct):
    """The environment's hosted zones, and the parts its application entries share.

    - **Zones**: :class:`EnvironmentZones` (public and/or private, delegated from the parent zone through
      ``parent_provider``).
    - For the ``entries`` the configuration has, and only those: the access-log bucket (``access_logs``),
      the web ACL (when the WAF is on and an entry is internet-facing), and with
      ``load_balancer = "shared"`` one :class:`HttpsLoadBalancer` per visibility in use, whose default
      certificate is the environment's domain.
    - Everything an application stack needs of them is published through ``values`` (SSM parameters).

    Example::

        EnvironmentIngress(self, "Ingress", naming=naming, dns=env.dns, ingress=env.ingress,
                           entries=[w.ingress for w in env.apps.values() if w.ingress],
                           account_id=env.aws.account_id, vpc_id=vpc_id, vpc_cidr="10.30.0.0/16",
                           public_subnet_ids=public, private_subnet_ids=private, logs=logs, values=writer)
    """

    def __init__(self, scope: Construct, construct_id: str, *, naming: Naming, dns: DnsProps, ingress: IngressProps,
                 entries: Sequence[AppIngress], account_id: str, vpc_id: str, vpc_cidr: str,
                 public_subnet_ids: Sequence[str], private_subnet_ids: Sequence[str], logs: LogSettings,
                 values: PlatformValuesWriter, parent_provider: aws.provider.AwsProvider | None = None,
                 parent_domain: str | None = None) -> None:
        super().__init__(scope, construct_id)
        self._naming, self._ingress, self._values = naming, ingress, values
        self.zones = self._create_zones(dns, vpc_id, parent_provider, parent_domain)
        self.log_bucket: LoadBalancerLogBucket | None = None
        self.web_acl: WebAcl | None = None
        self.shared_load_balancers: dict[str, HttpsLoadBalancer] = {}
        if not entries:
            return
        if ingress.access_logs:
            self.log_bucket = self._create_log_bucket(account_id)
        if ingress.waf.enabled and any(entry.visibility == "internet-facing" for entry in entries):
            self.web_acl = self._create_web_acl(logs)
        if ingress.load_balancer == "shared" and self.zones.public_zone_id is not None:
            # the shared listeners' default certificate; each application adds its own host's (SNI)
            certificate = DnsValidatedCertificate(self, "DomainCertificate", domain_name=dns.domain,
                                                  zone_id=self.zones.public_zone_id)
            clients = [vpc_cidr, *ingress.internal_client_cidrs]
            for visibility in sorted({entry.visibility for entry in entries}):
                subnets = public_subnet_ids if visibility == "internet-facing" else private_subnet_ids
                self._shared_load_balancer(visibility, certificate.arn, vpc_id, clients, subnets)

    def _create_zones(self, dns: DnsProps, vpc_id: str, parent_provider: aws.provider.AwsProvider | None,
                      parent_domain: str | None) -> EnvironmentZones:
        zones = EnvironmentZones(self, "Zones", props=dns, vpc_id=vpc_id, parent_provider=parent_provider,
                                 parent_domain=parent_domain)
        if zones.public_zone_id is not None:
            self._values.publish(table.PUBLIC_ZONE_ID, zones.public_zone_id)
        if zones.private_zone_id is not None:
            self._values.publish(table.PRIVATE_ZONE_ID, zones.private_zone_id)
        return zones

    def _create_log_bucket(self, account_id: str) -> LoadBalancerLogBucket:
        ingress = self._ingress
        bucket = LoadBalancerLogBucket(
            self, "LoadBalancerLogs", name=self._naming.name(f"lb-logs-{account_id}"),
            retention_days=ingress.access_log_retention_days, prevent_destroy=ingress.deletion_protection)
        self._values.publish(table.ACCESS_LOG_BUCKET, bucket.bucket_name)
        return bucket

    def _create_web_acl(self, logs: LogSettings) -> WebAcl:
        acl = WebAcl(self, "WebAcl", name=web_acl_name(self._naming.prefix, self._naming.environment),
                     props=self._ingress.waf, logs=logs)
        self._values.publish(table.WEB_ACL_ARN, acl.ref.arn)
        return acl

    def _shared_load_balancer(self, visibility: str, certificate_arn: str, vpc_id: str, clients: list[str],
                              subnet_ids: Sequence[str]) -> None:
        internet_facing = visibility == "internet-facing"
        naming = self._naming
        balancer = HttpsLoadBalancer(
            self, f"SharedLoadBalancer{pascal_id(visibility)}",
            name=load_balancer_name(naming.prefix, naming.environment, "public" if internet_facing else "internal"),
            visibility="internet-facing" if internet_facing else "internal", props=self._ingress, vpc_id=vpc_id,
            subnet_ids=subnet_ids, client_cidrs=clients, certificate_arn=certificate_arn,
            access_log_bucket=self.log_bucket.bucket_name if self.log_bucket else None,
            web_acl=self.web_acl.ref if self.web_acl is not None and internet_facing else None,
        )
        self.shared_load_balancers[visibility] = balancer
        shared = table.shared_load_balancer(visibility)
        for value, content in ((shared.arn, balancer.arn), (shared.arn_suffix, balancer.arn_suffix),
                               (shared.https_listener_arn, balancer.https_listener_arn),
                               (shared.security_group_id, balancer.security_group_id),
                               (shared.dns_name, balancer.dns_name), (shared.zone_id, balancer.zone_id)):
            self._values.publish(value, content)
