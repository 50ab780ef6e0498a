"""Network wiring between constructs: one port, from one security group, named by its source."""

from __future__ import annotations

from typing import Protocol

from platform_constructs._internal.tf import Construct, Node, aws


class SecurityGroupPeer(Protocol):
    """Anything whose traffic leaves from one security group (an EKS cluster's nodes, a service)."""

    @property
    def node(self) -> Node: ...  # the construct node: its id names the rule

    @property
    def security_group_id(self) -> str: ...


def allow_tcp_from(scope: Construct, *, target_security_group_id: str, source: SecurityGroupPeer, port: int,
                   description: str) -> aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule:
    """An ingress rule opening exactly ``port``/tcp on the target group to ``source``'s group.

    The rule's construct id is ``AllowFrom<source id>Port<port>``: wiring the same source twice
    fails loudly at synth instead of creating a duplicate rule.
    """
    return aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
        scope, f"AllowFrom{source.node.id}Port{port}",
        security_group_id=target_security_group_id,
        referenced_security_group_id=source.security_group_id,
        ip_protocol="tcp", from_port=port, to_port=port, description=description,
    )


def open_tcp_path(scope: Construct, construct_id: str, *, source_security_group_id: str,
                  target_security_group_id: str, port: int, description: str,
                  ) -> tuple[aws.vpc_security_group_egress_rule.VpcSecurityGroupEgressRule,
                             aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule]:
    """Let ``source`` reach ``port``/tcp of ``target``: an egress rule on the source group and the matching
    ingress rule on the target group (``{construct_id}Egress`` and ``{construct_id}Ingress``).

    For groups known only by id (read from another stack), where :func:`allow_tcp_from` has no construct.
    """
    egress = aws.vpc_security_group_egress_rule.VpcSecurityGroupEgressRule(
        scope, f"{construct_id}Egress", security_group_id=source_security_group_id,
        referenced_security_group_id=target_security_group_id, ip_protocol="tcp", from_port=port, to_port=port,
        description=description,
    )
    ingress = aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
        scope, f"{construct_id}Ingress", security_group_id=target_security_group_id,
        referenced_security_group_id=source_security_group_id, ip_protocol="tcp", from_port=port, to_port=port,
        description=description,
    )
    return egress, ingress
