"""ApplicationEntry: everything that makes one application reachable over HTTPS at its own host."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_constructs._internal.tf import Construct, TerraformResource, TerraformResourceLifecycle, aws, k8s
from platform_constructs.dns.dns_props import DnsProps
from platform_constructs.errors import ConstructValidationError
from platform_constructs.ingress.entry_props import (
    AppIngress,
    listener_rule_priority,
    load_balancer_name,
    target_group_name,
)
from platform_constructs.ingress.ingress_props import IngressProps
from platform_constructs.ingress.load_balancer import HttpsLoadBalancer
from platform_constructs.ingress.target_binding import CLUSTER_NAME_TAG, TargetBinding
from platform_constructs.ingress.web_acl import WebAclRef, web_acl_name
from platform_constructs.k8s.rolling_deployment import SERVICE_PORT
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.workload_props import WorkloadProps
from platform_constructs.naming import Naming
from platform_constructs.parameters import table
from platform_constructs.parameters.platform_values import PlatformValuesReader
from platform_constructs.security.certificate import DnsValidatedCertificate
from platform_constructs.security.connections import open_tcp_path

#: Status codes the target group's health check counts as healthy (a readiness probe's 2xx and 3xx).
HEALTHY_CODES = "200-399"


@dataclass(frozen=True)
class EntryEnvironment:
    """What every application entry of one environment shares."""

    naming: Naming
    """Physical names of the environment."""
    dns: DnsProps
    """The environment's domain and zones."""
    ingress: IngressProps
    """The tier's ``[ingress]`` settings."""
    rollout: RolloutProps
    """The tier's rollout preset: deregistration delay and health-check timing."""
    cluster_name: str
    """The EKS cluster whose pods are the targets (a tag the Auto Mode controller requires)."""
    binding: TargetBinding
    """The controller binding pods to target groups."""
    platform: PlatformValuesReader
    """Platform values of the environment (VPC, subnets, zones, shared load balancers, ...)."""


class ApplicationEntry(Construct):
    """One application's HTTPS entry: certificate, load balancer (own or shared), target group, listener rule,
    DNS records, security-group path to the pods, and the TargetGroupBinding that registers the pods.

    - **Certificate**: ACM for exactly the host, DNS-validated in the environment's public zone.
    - **Load balancer**: ``ingress.load_balancer = "dedicated"`` creates one here
      (:class:`HttpsLoadBalancer`, with the environment's WAF when internet-facing); ``shared`` uses the one
      the platform stack publishes for the visibility and adds the certificate to its HTTPS listener (SNI).
    - **Target group**: IP targets on the container port; health check on the application's health-check
      path with the tier's timing; deregistration delay = preStop drain + longest request
      (``rollout.deregistration_delay``); tagged for the Auto Mode controller. Replaced create-first.
    - **Listener rule**: host header (and path patterns) → the target group, at a priority derived from the
      host, so entries sharing a listener never renumber each other.
    - **DNS**: alias records in the public zone (internet-facing entries, or a public-only environment) and
      in the private zone (all entries, where one exists).
    - **Kubernetes**: a TargetGroupBinding for the application's Service; pods must declare
      :attr:`readiness_gate` (``RollingDeployment(readiness_gates=...)``) and the namespace the binding's labels.

    Exposes ``host``, ``url``, ``load_balancer_arn_suffix`` and ``target_group_arn_suffix`` (the CloudWatch
    dimensions of the entry's alarms).

    Example::

        entry = ApplicationEntry(stack, "EntryApi", app="api", workload=env.apps["api"], namespace="api",
                                 environment=EntryEnvironment(naming, env.dns, env.ingress, env.rollout,
                                                              "acme-prod-eks", TargetBinding.auto_mode(), reader))
        RollingDeployment(..., readiness_gates=[entry.readiness_gate], depends_on=[entry.binding])
    """

    def __init__(self, scope: Construct, construct_id: str, *, app: str, workload: WorkloadProps, namespace: str,
                 environment: EntryEnvironment) -> None:
        super().__init__(scope, construct_id)
        # validate
        if workload.ingress is None:
            raise ConstructValidationError("ingress.missing", "workload.ingress", f"application {app!r} has no "
                                           "ingress; add [apps.<name>.ingress]", self.node.path)
        # resolve defaults
        self.app = app
        self._workload = workload
        self._ingress: AppIngress = workload.ingress
        self._env = environment
        self._platform = environment.platform
        self.host: str = self._ingress.host_in(app, environment.dns.domain)
        self.url: str = f"https://{self.host}"
        self.readiness_gate: str = environment.binding.readiness_gate(app)

        # create resources
        self.certificate = DnsValidatedCertificate(self, "Certificate", domain_name=self.host,
                                                   zone_id=self._platform.get(table.PUBLIC_ZONE_ID))
        balancer = self._create_load_balancer()
        self.target_group = self._create_target_group()
        path = open_tcp_path(self, "LoadBalancerToPods", source_security_group_id=balancer.security_group_id,
                             target_security_group_id=self._platform.get(table.CLUSTER_SECURITY_GROUP_ID),
                             port=workload.port, description=f"load balancer of {self.host} to the pods of {app}")
        rule = self._create_listener_rule(balancer.https_listener_arn)
        self._create_records(balancer)
        self.binding = self._create_binding(namespace, [rule, *path])

        # expose attributes
        self.load_balancer_arn_suffix: str = balancer.arn_suffix
        self.target_group_arn_suffix: str = self.target_group.arn_suffix

    @property
    def outputs(self) -> dict[str, object]:
        """What the pipeline and the alarms need."""
        return {"url": self.url, "host": self.host, "load_balancer_arn_suffix": self.load_balancer_arn_suffix,
                "target_group_arn_suffix": self.target_group_arn_suffix}

    def _create_load_balancer(self) -> _Balancer:
        env, ingress = self._env, self._ingress
        if env.ingress.load_balancer == "shared":
            values = table.shared_load_balancer(ingress.visibility)
            listener_arn = self._platform.get(values.https_listener_arn)
            # the shared listener's default certificate is the environment's; this host's is added for SNI
            aws.lb_listener_certificate.LbListenerCertificate(
                self, "ListenerCertificate", listener_arn=listener_arn, certificate_arn=self.certificate.arn)
            return _Balancer(arn_suffix=self._platform.get(values.arn_suffix), https_listener_arn=listener_arn,
                             security_group_id=self._platform.get(values.security_group_id),
                             dns_name=self._platform.get(values.dns_name), zone_id=self._platform.get(values.zone_id))
        internet_facing = ingress.visibility == "internet-facing"
        subnets = table.PUBLIC_SUBNET_IDS if internet_facing else table.PRIVATE_SUBNET_IDS
        web_acl = None
        if internet_facing and env.ingress.waf.enabled:
            web_acl = WebAclRef(name=web_acl_name(env.naming.prefix, env.naming.environment),
                                arn=self._platform.get(table.WEB_ACL_ARN))
        balancer = HttpsLoadBalancer(
            self, "LoadBalancer", name=load_balancer_name(env.naming.prefix, env.naming.environment, self.app),
            visibility=ingress.visibility, props=env.ingress, vpc_id=self._platform.get(table.VPC_ID),
            subnet_ids=self._platform.get_list(subnets),
            client_cidrs=[self._platform.get(table.VPC_CIDR), *env.ingress.internal_client_cidrs],
            certificate_arn=self.certificate.arn,
            access_log_bucket=self._platform.get(table.ACCESS_LOG_BUCKET) if env.ingress.access_logs else None,
            web_acl=web_acl,
        )
        return _Balancer(arn_suffix=balancer.arn_suffix, https_listener_arn=balancer.https_listener_arn,
                         security_group_id=balancer.security_group_id, dns_name=balancer.dns_name,
                         zone_id=balancer.zone_id)

    def _create_target_group(self) -> aws.lb_target_group.LbTargetGroup:
        env, workload = self._env, self._workload
        return aws.lb_target_group.LbTargetGroup(
            self, "TargetGroup",
            name=target_group_name(env.naming.prefix, env.naming.environment, self.app, workload.port),
            port=workload.port, protocol="HTTP", protocol_version="HTTP1", target_type="ip",
            vpc_id=self._platform.get(table.VPC_ID),
            deregistration_delay=str(env.rollout.deregistration_delay.to_seconds()),
            health_check=aws.lb_target_group.LbTargetGroupHealthCheck(
                enabled=True, path=workload.health_check_path, port="traffic-port", protocol="HTTP",
                matcher=HEALTHY_CODES, **env.rollout.target_health_check.terraform()),
            tags={CLUSTER_NAME_TAG: env.cluster_name},
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )

    def _create_listener_rule(self, listener_arn: str) -> aws.lb_listener_rule.LbListenerRule:
        rule = aws.lb_listener_rule
        return rule.LbListenerRule(
            self, "ListenerRule", listener_arn=listener_arn, priority=listener_rule_priority(self.host),
            action=[rule.LbListenerRuleAction(type="forward", target_group_arn=self.target_group.arn)],
            condition=[
                rule.LbListenerRuleCondition(host_header=rule.LbListenerRuleConditionHostHeader(values=[self.host])),
                rule.LbListenerRuleCondition(path_pattern=rule.LbListenerRuleConditionPathPattern(
                    values=list(self._ingress.paths))),
            ],
        )

    def _create_binding(self, namespace: str, health_checked_by: list[TerraformResource]) -> k8s.manifest.Manifest:
        manifest = self._env.binding.manifest(name=self.app, namespace=namespace, service=self.app,
                                              service_port=SERVICE_PORT, target_group_arn=self.target_group.arn)
        # the pods' readiness gates pass only once the load balancer checks them: a target group no rule
        # forwards to reports no health, and without the security-group path every check fails
        return k8s.manifest.Manifest(self, "TargetGroupBinding", manifest=manifest, depends_on=health_checked_by)

    def _create_records(self, balancer: _Balancer) -> None:
        dns, internet_facing = self._env.dns, self._ingress.visibility == "internet-facing"
        zones: list[tuple[str, str]] = []
        if internet_facing or not dns.has_private_zone:
            zones.append(("Public", self._platform.get(table.PUBLIC_ZONE_ID)))
        if dns.has_private_zone:
            # split horizon: inside the VPC the private zone answers for the whole domain
            zones.append(("Private", self._platform.get(table.PRIVATE_ZONE_ID)))
        alias: dict[str, Any] = {"name": balancer.dns_name, "zone_id": balancer.zone_id,
                                 "evaluate_target_health": True}
        for kind, zone_id in zones:
            aws.route53_record.Route53Record(self, f"{kind}Record", zone_id=zone_id, name=self.host, type="A",
                                             alias=aws.route53_record.Route53RecordAlias(**alias))


@dataclass(frozen=True)
class _Balancer:
    """The parts of a load balancer (own or shared) an entry wires to."""

    arn_suffix: str
    https_listener_arn: str
    security_group_id: str
    dns_name: str
    zone_id: str
