"""What an environment diagram shows, read from the synthesized stacks (``cdk.tf.json``), not from configuration.

A :class:`Picture` holds the VPC with its subnets per zone and tier, the main resources of every
stack of the environment (network, EKS and its node groups, data stores, load-balancer entries,
the workloads of the application stacks, the registries and state bucket of the tooling account), and who
may talk to whom: each security-group ingress rule between two of them (or from the internet)
becomes a :class:`Link` labelled with its protocol and port. DNS records, certificates, web
firewalls and image pulls become "attached" links. Nothing here imports cdktf.

References are followed across stacks the way Terraform resolves them at apply time: an application
stack reads platform values through ``data.aws_ssm_parameter`` (``platform_constructs.parameters``),
whose ``name`` is an ``aws_ssm_parameter`` the platform stack writes; the reference then stands for
that parameter's ``value``. A certificate validation stands for the certificate it validates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Document = Mapping[str, Any]

TIERS = ("public", "private", "isolated")
INTERNET = "internet"
#: ``type.name.attribute…`` or ``data.type.name.attribute…`` inside a Terraform expression (``${...}``);
#: provider types always contain an underscore, which keeps ``var.x`` and ``local.x`` out.
_REFERENCE = re.compile(r"(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z][A-Za-z0-9_-]*)"
                        r"((?:\.[A-Za-z0-9_]+|\[\d+\])*)")
_OPEN = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class Subnet:
    """One subnet: its zone and tier (from the ``Tier`` tag the Network construct sets)."""

    address: str
    name: str
    cidr: str
    zone: str
    tier: str


@dataclass(frozen=True)
class Node:
    """A box of the diagram: one main resource.

    Attributes:
        key: ``<stack>:<type>.<name>``, unique in the picture.
        role: what it is for the reader (``database``, ``load balancer``, ...).
        name: its physical name (``acme-dev-postgres``).
        detail: one short line (engine, sizes, zone redundancy).
        stack: the stack that creates it.
        tier: the subnet tier it lives in; ``None`` outside the VPC.
        zones: the zones of its subnets, in order.
        parts: lines listed inside the box (node groups, workloads, listeners).
    """

    key: str
    role: str
    name: str
    detail: str
    stack: str
    tier: str | None = None
    zones: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """``source`` may reach ``target`` (``traffic``), or is attached to it (``attached``: DNS, TLS, WAF, pulls)."""

    source: str
    target: str
    label: str
    kind: str = "traffic"


@dataclass(frozen=True)
class Picture:
    """Everything one environment's diagram shows."""

    environment: str
    region: str
    vpc: str
    cidr: str
    stacks: tuple[str, ...]
    subnets: tuple[Subnet, ...]
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    nat_zones: tuple[str, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    """Resources not drawn, by kind (KMS keys, log groups, alarms), for the footnote."""

    @property
    def zones(self) -> tuple[str, ...]:
        """The VPC's zones, sorted."""
        return tuple(sorted({subnet.zone for subnet in self.subnets}))


def _resources(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for resource_type, blocks in document.get("resource", {}).items():
        for name, block in blocks.items():
            yield resource_type, name, block


@dataclass(frozen=True)
class Reference:
    """One ``type.name.attribute`` inside a Terraform expression; ``data`` for a data source."""

    type: str
    name: str
    attribute: str
    data: bool = False


def _expressions(text: str) -> Iterator[str]:
    """The body of every ``${...}`` in ``text`` (braces inside it balanced)."""
    start = text.find("${")
    while start != -1:
        depth, end = 0, start + 1
        for end in range(start + 1, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        yield text[start + 2:end]
        start = text.find("${", end)


def references(value: Any) -> Iterator[Reference]:
    """Every resource or data-source reference in the expressions inside ``value`` (``${aws_lb.x.arn}``,
    ``${split(",", data.aws_ssm_parameter.y.insecure_value)}``)."""
    if isinstance(value, str):
        for expression in _expressions(value):
            for match in _REFERENCE.finditer(expression):
                yield Reference(match.group(2), match.group(3), match.group(4).lstrip("."), bool(match.group(1)))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "//":
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def _first(value: Any) -> Any:
    """cdktf writes nested blocks as objects or one-element lists."""
    return value[0] if isinstance(value, list) and value else value


class _Stack:
    """One synthesized stack, with lookups by address."""

    def __init__(self, name: str, document: Document) -> None:
        self.name = name
        self.blocks = {(resource_type, block_name): block for resource_type, block_name, block in _resources(document)}
        #: ``data.aws_ssm_parameter`` name → the parameter it reads (a platform value).
        self.reads = {block_name: block.get("name") for block_name, block in
                      document.get("data", {}).get("aws_ssm_parameter", {}).items()}

    def of_type(self, *types: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for (resource_type, name), block in self.blocks.items():
            if resource_type in types:
                yield resource_type, name, block

    def key(self, resource_type: str, name: str) -> str:
        return f"{self.name}:{resource_type}.{name}"


_SUBNET_GROUPS = ("aws_db_subnet_group", "aws_elasticache_subnet_group")
_BALANCERS = ("aws_lb", "aws_alb")
_LISTENERS = ("aws_lb_listener", "aws_alb_listener")
_LISTENER_RULES = ("aws_lb_listener_rule", "aws_alb_listener_rule")
_TARGET_GROUPS = ("aws_lb_target_group", "aws_alb_target_group")
_SECURITY_GROUP_HOLDERS = ("vpc_security_group_ids", "security_group_ids", "security_groups")


class _Reader:
    """Builds a :class:`Picture` from the documents of one environment."""

    def __init__(self, environment: str, documents: Mapping[str, Document]) -> None:
        self.environment = environment
        self.documents = documents
        self.stacks = [_Stack(name, document) for name, document in documents.items()]
        self.subnets: dict[tuple[str, str], Subnet] = {}
        self.nodes: dict[str, Node] = {}
        self.owners: dict[tuple[str, str, str], str] = {}  # (stack, sg type, sg name) -> node key
        self.links: dict[tuple[str, str, str], list[str]] = {}
        #: parameter name → (the stack writing it, its value expression)
        self.published = {block.get("name"): (stack, block.get("value")) for stack in self.stacks
                          for _, _, block in stack.of_type("aws_ssm_parameter")}
        self.listeners: dict[str, str] = {}  # listener key -> load balancer node key

    def _targets(self, stack: _Stack, value: Any) -> Iterator[tuple[_Stack, Reference]]:
        """The resources ``value`` refers to, each with the stack that holds it, through platform values
        and certificate validations."""
        for reference in references(value):
            if reference.data:
                written = self.published.get(stack.reads.get(reference.name)) if reference.type == "aws_ssm_parameter" \
                    else None
                if written is not None:
                    yield from self._targets(*written)
                continue
            validation = stack.blocks.get((reference.type, reference.name)) \
                if reference.type == "aws_acm_certificate_validation" else None
            if validation is not None:
                yield from self._targets(stack, validation.get("certificate_arn"))
                continue
            yield stack, reference

    def _keys(self, stack: _Stack, value: Any, *types: str) -> list[str]:
        """Keys (``<stack>:<type>.<name>``) of the resources ``value`` refers to, of ``types`` if given."""
        return [holder.key(reference.type, reference.name) for holder, reference in self._targets(stack, value)
                if not types or reference.type in types]

    # --- placement -----------------------------------------------------------------------

    def _subnets_of(self, stack: _Stack, block: Mapping[str, Any]) -> list[Subnet]:
        found = []
        for holder, reference in self._targets(stack, block):
            if reference.type == "aws_subnet" and (holder.name, reference.name) in self.subnets:
                found.append(self.subnets[(holder.name, reference.name)])
            elif reference.type in _SUBNET_GROUPS and (reference.type, reference.name) in holder.blocks:
                found += self._subnets_of(holder, holder.blocks[(reference.type, reference.name)])
        return found

    def _add(self, stack: _Stack, resource_type: str, name: str, block: Mapping[str, Any], role: str, label: str,
             detail: str, parts: tuple[str, ...] = ()) -> Node:
        subnets = self._subnets_of(stack, block)
        tiers = [subnet.tier for subnet in subnets]
        node = Node(stack.key(resource_type, name), role, label, detail, stack.name,
                    max(TIERS, key=tiers.count) if tiers else None,
                    tuple(sorted({subnet.zone for subnet in subnets})), parts)
        self.nodes[node.key] = node
        for holder in _SECURITY_GROUP_HOLDERS:
            for nested in _nested_values(block, holder):
                for group_stack, group in self._targets(stack, nested):
                    self.owners.setdefault((group_stack.name, group.type, group.name), node.key)
        return node

    # --- reading ---------------------------------------------------------------------------

    def read(self) -> Picture:
        vpc_name, cidr, region = "", "", ""
        for stack in self.stacks:
            for _, name, block in stack.of_type("aws_subnet"):
                tags = block.get("tags", {})
                self.subnets[(stack.name, name)] = Subnet(
                    stack.key("aws_subnet", name), tags.get("Name", name), block.get("cidr_block", ""),
                    block.get("availability_zone", ""), tags.get("Tier", "private"))
            for _, _, block in stack.of_type("aws_vpc"):
                vpc_name, cidr = block.get("tags", {}).get("Name", "vpc"), block.get("cidr_block", "")
            for provider in self.documents[stack.name].get("provider", {}).get("aws", []):
                region = region or provider.get("region", "")
        for stack in self.stacks:
            self._read_compute(stack)
            self._read_data_stores(stack)
        self._read_entries()
        for stack in self.stacks:
            self._read_tooling(stack)
        for stack in self.stacks:
            self._read_rules(stack)
            self._read_attachments(stack)
        nat_zones = tuple(sorted({subnet.zone for stack in self.stacks
                                  for _, _, block in stack.of_type("aws_nat_gateway")
                                  for subnet in self._subnets_of(stack, block)}))
        counts = {label: sum(1 for stack in self.stacks for _ in stack.of_type(*types)) for label, types in (
            ("KMS keys", ("aws_kms_key",)), ("log groups", ("aws_cloudwatch_log_group",)),
            ("alarms", ("aws_cloudwatch_metric_alarm",)), ("SNS topics", ("aws_sns_topic",)),
            ("VPC endpoints", ("aws_vpc_endpoint",)))}
        links = tuple(Link(source, target, ", ".join(sorted(set(labels))), kind)
                      for (source, target, kind), labels in self.links.items())
        return Picture(self.environment, region, vpc_name, cidr, tuple(stack.name for stack in self.stacks),
                       tuple(sorted(self.subnets.values(), key=lambda s: (TIERS.index(s.tier) if s.tier in TIERS else 9,
                                                                          s.zone))),
                       tuple(self.nodes.values()), links, nat_zones, counts)

    def _read_compute(self, stack: _Stack) -> None:
        workloads = [f"workload {_deployment_name(block)}" for other in self.stacks
                     for _, _, block in other.of_type("kubernetes_deployment_v1", "kubernetes_deployment")]
        for resource_type, name, block in stack.of_type("aws_eks_cluster"):
            cluster = block.get("name", name)
            groups = [_node_group_text(group) for _, _, group in stack.of_type("aws_eks_node_group")
                      if group.get("cluster_name") in (cluster, f"${{aws_eks_cluster.{name}.name}}")]
            node = self._add(stack, resource_type, name, block, "Kubernetes cluster", cluster,
                             f"EKS {block.get('version', '')}".strip(), tuple(groups + sorted(workloads)))
            self.owners[(stack.name, "aws_eks_cluster", name)] = node.key

    def _read_data_stores(self, stack: _Stack) -> None:
        for resource_type, name, block in stack.of_type("aws_db_instance", "aws_rds_cluster"):
            zones = "Multi-AZ" if block.get("multi_az") else "single zone"
            self._add(stack, resource_type, name, block, "database",
                      block.get("identifier") or block.get("cluster_identifier", name),
                      f"{block.get('engine', '')} {block.get('instance_class', '')}, {zones}".replace("  ", " "))
        for resource_type, name, block in stack.of_type("aws_elasticache_replication_group"):
            count = block.get("num_cache_clusters") or block.get("num_node_groups") or 1
            self._add(stack, resource_type, name, block, "cache", block.get("replication_group_id", name),
                      f"{block.get('engine', 'redis')}, {count} node(s)")
        for resource_type, name, block in stack.of_type("aws_msk_cluster"):
            self._add(stack, resource_type, name, block, "event streaming", block.get("cluster_name", name),
                      f"Kafka {block.get('kafka_version', '')}, {block.get('number_of_broker_nodes', '?')} brokers"
                      .replace("  ", " "))
        for resource_type, name, block in stack.of_type("aws_opensearch_domain"):
            cluster = _first(block.get("cluster_config", {})) or {}
            self._add(stack, resource_type, name, block, "search", block.get("domain_name", name),
                      f"OpenSearch, {cluster.get('instance_count', 1)} node(s)")

    def _read_entries(self) -> None:
        """Load balancers with their listeners and listener rules (wherever they are: an application's rule
        on dev's shared load balancer lives in the application's stack), DNS records, certificates and web ACLs."""
        groups = {stack.key(resource_type, name): _target_group_text(name, block) for stack in self.stacks
                  for resource_type, name, block in stack.of_type(*_TARGET_GROUPS)}
        parts: dict[str, list[str]] = {}
        for stack in self.stacks:
            for resource_type, name, block in stack.of_type(*_LISTENERS):
                forwards = [groups[key] for key in self._keys(stack, block.get("default_action", []), *_TARGET_GROUPS)
                            if key in groups]
                text = f"{block.get('protocol', '')} :{block.get('port', '?')}".strip()
                for balancer in self._keys(stack, block.get("load_balancer_arn", ""), *_BALANCERS):
                    self.listeners[stack.key(resource_type, name)] = balancer
                    parts.setdefault(balancer, []).append(
                        f"listener {text}" + (f" → {', '.join(forwards)}" if forwards else ""))
        for stack in self.stacks:
            for _, _, block in stack.of_type(*_LISTENER_RULES):
                forwards = [groups[key] for key in self._keys(stack, block.get("action", []), *_TARGET_GROUPS)
                            if key in groups]
                listeners = self._keys(stack, block.get("listener_arn", ""), *_LISTENERS)
                for balancer in filter(None, (self.listeners.get(listener) for listener in listeners)):
                    parts[balancer].append(f"rule {_conditions_text(block)}"
                                           + (f" → {', '.join(forwards)}" if forwards else ""))
        for stack in self.stacks:
            for resource_type, name, block in stack.of_type(*_BALANCERS):
                facing = "internal" if block.get("internal") else "internet-facing"
                self._add(stack, resource_type, name, block, "load balancer", block.get("name", name),
                          f"{block.get('load_balancer_type', 'application')}, {facing}",
                          tuple(parts.get(stack.key(resource_type, name), ())))
            for resource_type, name, block in stack.of_type("aws_route53_record"):
                # a record named at apply time validates a certificate: part of the certificate, not drawn
                if "${" not in str(block.get("name", "")):
                    self._add(stack, resource_type, name, block, "DNS record", block.get("name", name),
                              f"{block.get('type', '')} record")
            for resource_type, name, block in stack.of_type("aws_acm_certificate"):
                self._add(stack, resource_type, name, block, "certificate", block.get("domain_name", name), "ACM")
            for resource_type, name, block in stack.of_type("aws_wafv2_web_acl"):
                self._add(stack, resource_type, name, block, "web firewall", block.get("name", name),
                          f"WAF, {block.get('scope', 'REGIONAL').lower()}")

    def _read_tooling(self, stack: _Stack) -> None:
        for resource_type, name, block in stack.of_type("aws_ecr_repository"):
            self._add(stack, resource_type, name, block, "image repository", block.get("name", name),
                      f"ECR, tags {block.get('image_tag_mutability', 'MUTABLE').lower()}")
        for resource_type, name, block in stack.of_type("aws_s3_bucket"):
            bucket = str(block.get("bucket", name))
            if stack.name == "bootstrap" and not bucket.endswith("-access-logs"):
                self._add(stack, resource_type, name, block, "state bucket", bucket, "Terraform state, S3")

    # --- links -----------------------------------------------------------------------------

    def _owner(self, stack: _Stack, reference: str) -> str | None:
        for holder, target in self._targets(stack, reference):
            if (holder.name, target.type, target.name) in self.owners:
                return self.owners[(holder.name, target.type, target.name)]
        return None

    def _link(self, source: str, target: str, label: str, kind: str = "traffic") -> None:
        self.links.setdefault((source, target, kind), []).append(label)

    def _read_rules(self, stack: _Stack) -> None:
        for _, _, rule in stack.of_type("aws_vpc_security_group_ingress_rule"):
            self._rule(stack, rule.get("security_group_id", ""), rule.get("referenced_security_group_id"),
                       rule.get("cidr_ipv4") or rule.get("cidr_ipv6"), rule.get("ip_protocol", ""),
                       rule.get("from_port"), rule.get("to_port"))
        for _, _, rule in stack.of_type("aws_security_group_rule"):
            if rule.get("type") == "ingress":
                cidrs = list(rule.get("cidr_blocks") or []) + list(rule.get("ipv6_cidr_blocks") or [])
                self._rule(stack, rule.get("security_group_id", ""), rule.get("source_security_group_id"),
                           cidrs[0] if cidrs else None, rule.get("protocol", ""), rule.get("from_port"),
                           rule.get("to_port"))

    def _rule(self, stack: _Stack, target_group: str, source_group: str | None, cidr: str | None, protocol: Any,
              from_port: Any, to_port: Any) -> None:
        target = self._owner(stack, target_group)
        if target is None:
            return
        if source_group:
            source = self._owner(stack, source_group)
        elif cidr in _OPEN:
            source = INTERNET
        else:
            source = f"cidr:{cidr}" if cidr else None
        if source is None or source == target:
            return
        self._link(source, target, _port_text(protocol, from_port, to_port))

    def _drawn(self, stack: _Stack, value: Any, *types: str) -> list[str]:
        """The drawn resources ``value`` refers to."""
        return [key for key in self._keys(stack, value, *types) if key in self.nodes]

    def _read_attachments(self, stack: _Stack) -> None:
        for resource_type, name, block in stack.of_type("aws_route53_record"):
            if stack.key(resource_type, name) in self.nodes:
                for target in self._drawn(stack, block.get("alias", [])):
                    self._link(stack.key(resource_type, name), target, "alias", "attached")
        for _, _, block in stack.of_type("aws_wafv2_web_acl_association"):
            for source in self._drawn(stack, block.get("web_acl_arn", "")):
                for target in self._drawn(stack, block.get("resource_arn", "")):
                    self._link(source, target, "filters", "attached")
        for resource_type, name, block in stack.of_type(*_LISTENERS, "aws_lb_listener_certificate"):
            listeners = [stack.key(resource_type, name)] if resource_type in _LISTENERS else \
                self._keys(stack, block.get("listener_arn", ""), *_LISTENERS)
            for balancer in filter(None, (self.listeners.get(listener) for listener in listeners)):
                for certificate in self._drawn(stack, block.get("certificate_arn", ""), "aws_acm_certificate"):
                    self._link(certificate, balancer, "TLS", "attached")
        self._read_pulls(stack)

    def _read_pulls(self, stack: _Stack) -> None:
        """A repository whose policy admits a node role of this environment's cluster: an image pull link."""
        node_roles = {f":role/{block.get('name')}" for other in self.stacks
                      for _, _, block in other.of_type("aws_iam_role") if str(block.get("name", "")).endswith("-node")}
        clusters = [key for key, node in self.nodes.items() if node.role == "Kubernetes cluster"]
        for _, _, block in stack.of_type("aws_ecr_repository_policy"):
            policy = block.get("policy", "")
            try:
                principals = json.dumps(json.loads(policy)) if isinstance(policy, str) else json.dumps(policy)
            except json.JSONDecodeError:
                continue
            repository = next(iter(self._drawn(stack, block.get("repository", ""), "aws_ecr_repository")), None)
            if repository and any(role in principals for role in node_roles):
                for cluster in clusters:
                    self._link(repository, cluster, "image pull", "attached")


def _nested_values(block: Any, key: str) -> Iterator[Any]:
    """Values of ``key`` anywhere inside ``block`` (``vpc_config.security_group_ids``, ...)."""
    if isinstance(block, Mapping):
        for name, value in block.items():
            if name == key:
                yield value
            elif name != "//":
                yield from _nested_values(value, key)
    elif isinstance(block, list):
        for item in block:
            yield from _nested_values(item, key)


def _port_text(protocol: Any, from_port: Any, to_port: Any) -> str:
    if str(protocol) in ("-1", "all"):
        return "all traffic"
    ports = str(from_port) if from_port == to_port or to_port is None else f"{from_port}-{to_port}"
    return f"{protocol} {ports}"


def _node_group_text(block: Mapping[str, Any]) -> str:
    name = block.get("node_group_name") or str(block.get("node_group_name_prefix", "nodes")).rstrip("-")
    scaling = _first(block.get("scaling_config", {})) or {}
    types = ", ".join(block.get("instance_types", []))
    size = f"{scaling.get('min_size')}-{scaling.get('max_size')}" if scaling else ""
    return " ".join(part for part in (f"node group {name}", types, size and f"({size} nodes)") if part)


def _target_group_text(name: str, block: Mapping[str, Any]) -> str:
    return (f"{block.get('name', name)} ({block.get('protocol', '')} :{block.get('port', '?')}, "
            f"{block.get('target_type', 'instance')} targets)").replace("( :", "(:")


def _conditions_text(rule: Mapping[str, Any]) -> str:
    """``api.dev.acme.example /*``: the hosts and paths a listener rule matches."""
    values = []
    for condition in rule.get("condition", []):
        for kind in ("host_header", "path_pattern"):
            values += list((_first(condition.get(kind)) or {}).get("values", []))
    return " ".join(values)


def _deployment_name(block: Mapping[str, Any]) -> str:
    metadata = _first(block.get("metadata", {})) or {}
    return str(metadata.get("name", "?"))


def picture(environment: str, documents: Mapping[str, Document]) -> Picture:
    """The picture of ``environment`` from its synthesized stacks (stack name → ``cdk.tf.json`` content)."""
    return _Reader(environment, documents).read()
