"""Default-deny NetworkPolicies of one namespace, opened only for what its application declares.

Enforcement: EKS Auto Mode enforces NetworkPolicies once the ``amazon-vpc-cni`` ConfigMap in ``kube-system``
turns the network policy controller on (:class:`ClusterNetworkPolicyEnforcement`); with managed node groups the
vpc-cni add-on's ``enableNetworkPolicy`` does (``EksCluster``).

Addresses come from the environment's subnet plan (the same computation the Network construct uses), so
nothing is copied by hand: the data stores live in the isolated subnets, load balancers in the public
(internet-facing) or private (internal) subnets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from platform_constructs._internal.structs import struct
from platform_constructs._internal.tf import Construct, TerraformResource, k8s
from platform_constructs.network.props import NetworkProps, SubnetTier
from platform_constructs.network.subnet_plan import plan_subnets
from platform_constructs.search.opensearch import SearchDomain
from platform_constructs.streaming.kafka import KafkaCluster

if TYPE_CHECKING:
    from platform_constructs.config.schema import EnvironmentConfig

#: The EKS Pod Identity agent, on every node (link-local): where pods get their role's credentials.
POD_IDENTITY_AGENT = "169.254.170.23/32"
POD_IDENTITY_AGENT_PORT = 80
#: DNS, to whichever resolver the node hands out (CoreDNS pods, or Auto Mode's DNS on the node).
DNS_PORT = 53
HTTPS_PORT = 443
ANYWHERE = "0.0.0.0/0"
#: The namespace label Kubernetes sets on every namespace.
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
APP_LABEL = "app.kubernetes.io/name"


@dataclass(frozen=True)
class Peer:
    """Pods of another application: its name label in its namespace."""

    app: str
    namespace: str

    def selector(self) -> dict[str, Any]:
        """A NetworkPolicy peer selecting exactly those pods."""
        return {"namespace_selector": {"match_labels": {NAMESPACE_NAME_LABEL: self.namespace}},
                "pod_selector": {"match_labels": {APP_LABEL: self.app}}}


def namespace_peer(app: str, namespace: str) -> Peer:
    """The pods of application ``app`` in ``namespace``."""
    return Peer(app, namespace)


def data_store_ports(env: EnvironmentConfig, stores: Sequence[str]) -> tuple[int, ...]:
    """The TCP ports of the used stores, as the environment configures them."""
    ports = {"postgres": env.postgres.port, "redis": env.redis.port, "kafka": KafkaCluster.PORT,
             "search": SearchDomain.PORT}
    return tuple(sorted({ports[store] for store in stores}))


class NetworkPolicySet(Construct):
    """``<app>-default-deny`` for the whole namespace, plus ``<app>-ingress`` and ``<app>-egress`` for the app's pods.

    Args:
        app: the pods' ``app.kubernetes.io/name``.
        port: the container port others reach (``None``: the pods accept nothing).
        load_balancer_tier: subnets of the app's load balancer (``public`` or ``private``), or ``None``.
        callers: applications allowed to reach ``port``.
        called: applications (and their ports) the pods may reach.
        store_ports: ports of the data stores the pods may reach, in the isolated subnets.
        aws_apis: whether the pods call AWS APIs over HTTPS (outside the isolated subnets).
    """

    def __init__(self, scope: Construct, construct_id: str, *, app: str, namespace: str, port: int | None,
                 network: NetworkProps, region: str, load_balancer_tier: SubnetTier | None, callers: Sequence[Peer],
                 called: Sequence[tuple[Peer, int]], store_ports: Sequence[int], aws_apis: bool) -> None:
        super().__init__(scope, construct_id)
        plan = plan_subnets(network, region)
        isolated = sorted(plan.for_tier("isolated").values())
        self._namespace = namespace
        self._selector = {"match_labels": {APP_LABEL: app}}
        # the whole namespace, which belongs to this application alone (its stack creates it)
        self.resources: list[TerraformResource] = [self._policy("DefaultDeny", f"{app}-default-deny", {
            "pod_selector": {}, "policy_types": ["Ingress", "Egress"]})]

        sources: list[dict[str, Any]] = [peer.selector() for peer in callers]
        if load_balancer_tier is not None:
            sources += [{"ip_block": {"cidr": cidr}} for cidr in sorted(plan.for_tier(load_balancer_tier).values())]
        if port is not None and sources:
            self.resources.append(self._policy("Ingress", f"{app}-ingress", {
                "pod_selector": self._selector, "policy_types": ["Ingress"],
                "ingress": [{"from_": sources, "ports": [_tcp(port)]}]}))

        egress: list[dict[str, Any]] = [
            {"ports": [{"port": str(DNS_PORT), "protocol": "UDP"}, _tcp(DNS_PORT)]},
            {"to": [{"ip_block": {"cidr": POD_IDENTITY_AGENT}}], "ports": [_tcp(POD_IDENTITY_AGENT_PORT)]},
        ]
        if store_ports:
            egress.append({"to": [{"ip_block": {"cidr": cidr}} for cidr in isolated],
                           "ports": [_tcp(store_port) for store_port in store_ports]})
        egress += [{"to": [peer.selector()], "ports": [_tcp(peer_port)]} for peer, peer_port in called]
        if aws_apis:
            # AWS APIs over HTTPS, but not the isolated subnets (the search domain also listens on 443 there)
            egress.append({"to": [{"ip_block": {"cidr": ANYWHERE, "except_": isolated}}], "ports": [_tcp(HTTPS_PORT)]})
        self.resources.append(self._policy("Egress", f"{app}-egress", {
            "pod_selector": self._selector, "policy_types": ["Egress"], "egress": egress}))

    def _policy(self, construct_id: str, name: str, spec: dict[str, Any]) -> k8s.network_policy_v1.NetworkPolicyV1:
        return k8s.network_policy_v1.NetworkPolicyV1(self, construct_id, metadata={
            "name": name, "namespace": self._namespace, "labels": {"app.kubernetes.io/managed-by": "terraform"},
        }, spec=struct(k8s.network_policy_v1.NetworkPolicyV1Spec, spec))


class ClusterNetworkPolicyEnforcement(Construct):
    """Turns on NetworkPolicy enforcement in an EKS Auto Mode cluster: the ``amazon-vpc-cni`` ConfigMap in
    ``kube-system`` with ``enable-network-policy-controller = "true"``.

    Auto Mode's built-in node class allows traffic that no policy selects (``networkPolicy: DefaultAllow``); every
    application namespace selects all its pods with ``default-deny``. Policy event logs would need a node class
    of our own (``networkPolicyEventLogs``), and with it node pools of our own: not done (docs/decisions/0010).
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.config_map = k8s.config_map_v1.ConfigMapV1(self, "VpcCni", metadata={
            "name": "amazon-vpc-cni", "namespace": "kube-system",
            "labels": {"app.kubernetes.io/managed-by": "terraform"},
        }, data={"enable-network-policy-controller": "true"})


def _tcp(port: int) -> dict[str, str]:
    return {"port": str(port), "protocol": "TCP"}
