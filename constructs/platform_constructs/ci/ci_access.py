"""CiAccess: what an environment gives the CI agents — a network path to its cluster's API and a read-only role."""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.aws_context import partition, policy_document
from platform_constructs._internal.tf import Construct, TerraformResource, aws
from platform_constructs.ci.ci_props import CiNetwork, planner_role_name
from platform_constructs.compute.pod_identity import attach_managed_policies
from platform_constructs.naming import Naming

#: The Kubernetes API port of the cluster's private endpoint.
KUBERNETES_API_PORT = 443
#: What a read-only plan may do in the environment's account: read everything Terraform refreshes.
PLANNER_POLICIES = ("ReadOnlyAccess",)
#: EKS access policy of the planner role: read Kubernetes objects (no secrets), cluster-wide.
PLANNER_CLUSTER_POLICY = "AmazonEKSViewPolicy"


class CiAccess(Construct):
    """The environment's side of continuous delivery: a spoke of the CI network, and a role for read-only plans.

    - Network: the environment's private subnets attach to the CI hub (a transit gateway the
      landing zone shares through AWS RAM); each private route table sends the CI network's range
      to the hub; the cluster's security group admits 443/tcp from the CI network, which is all a
      connected network needs to reach a private EKS endpoint (its name resolves to the private
      addresses through public DNS). The hub side (its route tables, the CI VPC's routes) belongs to
      the landing zone, which accepts shared attachments.
    - Identity: ``{prefix}-{env}-ci-planner``, which only ``ci_plan_role_arn`` (the tooling account's
      plan identity) may assume, with ``ReadOnlyAccess`` and a view-only cluster access entry: branch
      builds plan with it and can change nothing. Applies use the deploy role, which only the apply
      identity may assume (the landing zone's trust policy).

    Example::

        CiAccess(self, "Ci", network=ci.network, naming=naming, ci_plan_role_arn=plan_role_arn,
                 vpc_id=network.vpc_id, subnet_ids=network.subnet_id_list("private"),
                 route_table_ids=network.route_table_ids("private"), cluster_name=cluster.cluster.name,
                 cluster_security_group_id=cluster.security_group_id)
    """

    def __init__(self, scope: Construct, construct_id: str, *, network: CiNetwork, naming: Naming,
                 ci_plan_role_arn: str, vpc_id: str, subnet_ids: Sequence[str], route_table_ids: Sequence[str],
                 cluster_name: str, cluster_security_group_id: str) -> None:
        super().__init__(scope, construct_id)
        self._partition = partition(self)
        self.attachment = self._create_attachment(network, naming, vpc_id, subnet_ids)
        self._create_routes(network, route_table_ids)
        aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
            self, "KubernetesApiFromCi", security_group_id=cluster_security_group_id, cidr_ipv4=network.cidr,
            ip_protocol="tcp", from_port=KUBERNETES_API_PORT, to_port=KUBERNETES_API_PORT,
            description="CI agents reach the Kubernetes API (private endpoint)",
        )
        self.planner_role = self._create_planner(naming, ci_plan_role_arn, cluster_name)
        self.planner_role_arn: str = self.planner_role.arn

    def _create_attachment(
        self, network: CiNetwork, naming: Naming, vpc_id: str, subnet_ids: Sequence[str],
    ) -> aws.ec2_transit_gateway_vpc_attachment.Ec2TransitGatewayVpcAttachment:
        # the hub is shared through RAM: its default route tables are the owner's to set, not this attachment's
        return aws.ec2_transit_gateway_vpc_attachment.Ec2TransitGatewayVpcAttachment(
            self, "HubAttachment", transit_gateway_id=network.transit_gateway_id, vpc_id=vpc_id,
            subnet_ids=list(subnet_ids), dns_support="enable", tags={"Name": naming.name("ci-hub")},
        )

    def _create_routes(self, network: CiNetwork, route_table_ids: Sequence[str]) -> list[TerraformResource]:
        return [
            aws.route.Route(self, f"ToCi{index}", route_table_id=table, destination_cidr_block=network.cidr,
                            transit_gateway_id=network.transit_gateway_id, depends_on=[self.attachment])
            for index, table in enumerate(route_table_ids)
        ]

    def _create_planner(self, naming: Naming, ci_plan_role_arn: str, cluster_name: str) -> aws.iam_role.IamRole:
        role = aws.iam_role.IamRole(
            self, "PlannerRole", name=planner_role_name(naming),
            description="Read-only plans of branch builds (CI plan identity)",
            assume_role_policy=policy_document({"Effect": "Allow", "Principal": {"AWS": ci_plan_role_arn},
                                                "Action": "sts:AssumeRole"}),
        )
        attach_managed_policies(self, "PlannerRole", role, PLANNER_POLICIES)
        entry = aws.eks_access_entry.EksAccessEntry(self, "PlannerAccessEntry", cluster_name=cluster_name,
                                                    type="STANDARD", principal_arn=role.arn)
        aws.eks_access_policy_association.EksAccessPolicyAssociation(
            self, "PlannerAccessPolicy", cluster_name=cluster_name, principal_arn=entry.principal_arn,
            access_scope={"type": "cluster"},
            policy_arn=f"arn:{self._partition}:eks::aws:cluster-access-policy/{PLANNER_CLUSTER_POLICY}",
        )
        return role
