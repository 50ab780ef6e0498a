"""HttpsLoadBalancer: an Application Load Balancer that speaks HTTPS only, with its security group and listeners."""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.tf import Construct, TerraformResourceLifecycle, aws
from platform_constructs.errors import ConstructValidationError
from platform_constructs.ingress.entry_props import MAX_LB_NAME_LENGTH, Visibility
from platform_constructs.ingress.ingress_props import IngressProps
from platform_constructs.ingress.markers import EXPOSURE_TAG, INTERNET_FACING_LISTENER, LISTENER_PORTS, WEB_ACL_TAG
from platform_constructs.ingress.web_acl import WebAclRef

HTTP_PORT, HTTPS_PORT = LISTENER_PORTS
#: What the HTTPS listener answers for a host no rule forwards.
NOT_FOUND_BODY = "No application is published at this host."
_ANYWHERE = "0.0.0.0/0"


class HttpsLoadBalancer(Construct):
    """An ALB in ``subnet_ids`` that terminates TLS and forwards by listener rules added later.

    - **Listeners**: port 443 with ``props.tls_policy`` (TLS 1.3, nothing older than 1.2) and
      ``certificate_arn``, answering 404 unless a rule matches; port 80 only redirects to HTTPS (301).
    - **Security group**: ingress on 80 and 443 only – from anywhere when ``internet-facing``, else from
      ``client_cidrs`` (the VPC plus ``internal_client_cidrs``); no egress until an application opens
      one port to its pods (:func:`~platform_constructs.security.connections.open_tcp_path`).
    - **Hardening**: invalid header fields dropped, desync mitigation ``defensive``, deletion protection
      (and ``prevent_destroy``) from ``props.deletion_protection``; access logs into ``access_log_bucket``
      under the load balancer's name when ``props.access_logs``.
    - **WAF**: ``web_acl`` associated when given (the configuration requires it on internet-facing
      entries where the tier's WAF is on); the load balancer carries the ACL's name as a tag.

    Example::

        lb = HttpsLoadBalancer(self, "LoadBalancer", name="acme-prod-api", visibility="internet-facing",
                               props=env.ingress, vpc_id=vpc_id, subnet_ids=public_subnets,
                               client_cidrs=[], certificate_arn=certificate.arn,
                               access_log_bucket="acme-prod-lb-logs-333333333333", web_acl=acl.ref)
    """

    def __init__(self, scope: Construct, construct_id: str, *, name: str, visibility: Visibility,
                 props: IngressProps, vpc_id: str, subnet_ids: Sequence[str], client_cidrs: Sequence[str],
                 certificate_arn: str, access_log_bucket: str | None, web_acl: WebAclRef | None) -> None:
        super().__init__(scope, construct_id)
        # validate
        if len(name) > MAX_LB_NAME_LENGTH:
            raise ConstructValidationError("ingress.name", "name", f"{name!r} has {len(name)} characters; load "
                                           f"balancer names stop at {MAX_LB_NAME_LENGTH}", self.node.path)
        if props.access_logs and access_log_bucket is None:
            raise ConstructValidationError("ingress.access-logs", "access_log_bucket", "is required when "
                                           "props.access_logs is on", self.node.path)
        internet_facing = visibility == "internet-facing"
        if not internet_facing and not client_cidrs:
            raise ConstructValidationError("ingress.clients", "client_cidrs", "is empty: nobody could reach an "
                                           "internal load balancer; give at least the VPC's range", self.node.path)
        # resolve defaults
        self.name = name
        self.visibility = visibility
        sources = [_ANYWHERE] if internet_facing else list(client_cidrs)

        # create resources
        self.security_group = self._create_security_group(vpc_id, sources, internet_facing)
        self.load_balancer = self._create_load_balancer(props, subnet_ids, access_log_bucket, web_acl)
        self._create_http_redirect()
        self.https_listener = self._create_https_listener(props, certificate_arn)
        if web_acl is not None:
            aws.wafv2_web_acl_association.Wafv2WebAclAssociation(
                self, "WebAclAssociation", resource_arn=self.load_balancer.arn, web_acl_arn=web_acl.arn)

        # expose attributes
        self.arn: str = self.load_balancer.arn
        self.arn_suffix: str = self.load_balancer.arn_suffix
        self.dns_name: str = self.load_balancer.dns_name
        self.zone_id: str = self.load_balancer.zone_id
        self.security_group_id: str = self.security_group.id
        self.https_listener_arn: str = self.https_listener.arn

    def _create_security_group(self, vpc_id: str, sources: list[str], internet_facing: bool,
                               ) -> aws.security_group.SecurityGroup:
        group = aws.security_group.SecurityGroup(
            self, "SecurityGroup", name=f"{self.name}-alb", vpc_id=vpc_id,
            description=f"Load balancer {self.name}: HTTPS (and HTTP to redirect) from its clients",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        tags = {EXPOSURE_TAG: INTERNET_FACING_LISTENER} if internet_facing else None
        for port in LISTENER_PORTS:
            for index, cidr in enumerate(sources):
                aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
                    self, f"Ingress{port}From{index}", security_group_id=group.id, cidr_ipv4=cidr,
                    ip_protocol="tcp", from_port=port, to_port=port, tags=tags,
                    description=f"{'HTTPS' if port == HTTPS_PORT else 'HTTP (redirected)'} from {cidr}",
                )
        return group

    def _create_load_balancer(self, props: IngressProps, subnet_ids: Sequence[str], access_log_bucket: str | None,
                              web_acl: WebAclRef | None) -> aws.lb.Lb:
        access_logs = (aws.lb.LbAccessLogs(bucket=access_log_bucket, prefix=self.name, enabled=True)
                       if props.access_logs and access_log_bucket is not None else None)
        return aws.lb.Lb(
            self, "LoadBalancer", name=self.name, load_balancer_type="application",
            internal=self.visibility == "internal", security_groups=[self.security_group.id],
            subnets=list(subnet_ids), drop_invalid_header_fields=True, desync_mitigation_mode="defensive",
            enable_deletion_protection=props.deletion_protection, access_logs=access_logs,
            tags={WEB_ACL_TAG: web_acl.name} if web_acl is not None else None,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.deletion_protection),
        )

    def _create_http_redirect(self) -> aws.lb_listener.LbListener:
        return aws.lb_listener.LbListener(
            self, "HttpListener", load_balancer_arn=self.load_balancer.arn, port=HTTP_PORT, protocol="HTTP",
            default_action=[aws.lb_listener.LbListenerDefaultAction(
                type="redirect", redirect=aws.lb_listener.LbListenerDefaultActionRedirect(
                    protocol="HTTPS", port=str(HTTPS_PORT), status_code="HTTP_301"))],
        )

    def _create_https_listener(self, props: IngressProps, certificate_arn: str) -> aws.lb_listener.LbListener:
        return aws.lb_listener.LbListener(
            self, "HttpsListener", load_balancer_arn=self.load_balancer.arn, port=HTTPS_PORT, protocol="HTTPS",
            ssl_policy=props.tls_policy, certificate_arn=certificate_arn,
            default_action=[aws.lb_listener.LbListenerDefaultAction(
                type="fixed-response", fixed_response=aws.lb_listener.LbListenerDefaultActionFixedResponse(
                    content_type="text/plain", message_body=NOT_FOUND_BODY, status_code="404"))],
        )
