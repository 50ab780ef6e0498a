"""ManagedNodeGroup: an EKS managed node group launched from a hardened launch template."""

from __future__ import annotations

from collections.abc import Sequence

from platform_constructs._internal.tf import Construct, TerraformResource, TerraformResourceLifecycle, Token, aws
from platform_constructs.compute.eks_props import NodeGroupProps
from platform_constructs.errors import Problem, refuse

#: Root device of the Amazon Linux 2023 EKS images.
ROOT_DEVICE = "/dev/xvda"
#: Terraform address of the node count inside ``scaling_config``.
DESIRED_SIZE_ATTRIBUTE = "scaling_config[0].desired_size"
#: EKS appends a 26-character unique suffix to a node group name prefix; names stop at 63.
NAME_PREFIX_MAX_LENGTH = 63 - 26


class ManagedNodeGroup(Construct):
    """A managed node group whose nodes come from a launch template.

    The launch template requires IMDSv2 with a hop limit of 1 (pods cannot borrow the node's
    credentials; they get their own through Pod Identity) and gives every node an encrypted gp3
    root volume. It names no security group, so EKS attaches the cluster security group, and no
    image, so EKS picks the AL2023 image of ``ami_type`` for the cluster version.

    Replacement-safe: a change to the launch template becomes a new template version that EKS
    rolls out ``max_unavailable_percentage`` at a time; a change that forces a new node group
    (instance types, capacity type) creates the new group before the old one is drained
    (``create_before_destroy`` with a name prefix). With ``desired_size_owner = "autoscaler"``
    Terraform ignores later changes of the node count.

    Example::

        ManagedNodeGroup(cluster, "SystemNodeGroup", props=NodeGroupProps(min_size=3, max_size=6),
                         name="acme-prod-eks-system", cluster_name=cluster_name, kubernetes_version="1.34",
                         node_role_arn=node_role.arn, subnet_ids=private_subnet_ids)
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: NodeGroupProps,
        name: str,
        cluster_name: str,
        kubernetes_version: str,
        node_role_arn: str,
        subnet_ids: Sequence[str],
        depends_on: Sequence[TerraformResource] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        problems = props.problems()
        if len(name) + 1 > NAME_PREFIX_MAX_LENGTH:
            problems.append(Problem(
                "eks.node-group-name", "name", name,
                f"{name!r} has {len(name)} characters; at most {NAME_PREFIX_MAX_LENGTH - 1} leave room for "
                "the unique suffix EKS appends"))
        refuse(problems, self.node.path)

        self.launch_template = aws.launch_template.LaunchTemplate(
            self, "LaunchTemplate", name=name, description=f"Nodes of EKS node group {name}",
            update_default_version=True,
            metadata_options={"http_endpoint": "enabled", "http_tokens": "required",
                              "http_put_response_hop_limit": 1},
            block_device_mappings=[aws.launch_template.LaunchTemplateBlockDeviceMappings(
                device_name=ROOT_DEVICE,
                ebs=aws.launch_template.LaunchTemplateBlockDeviceMappingsEbs(
                    volume_type="gp3", volume_size=props.root_volume_size_gib, encrypted="true",
                    delete_on_termination="true"),
            )],
            tag_specifications=[aws.launch_template.LaunchTemplateTagSpecifications(resource_type=kind,
                                                                                    tags={"Name": name})
                                for kind in ("instance", "volume")],
        )
        self.node_group = aws.eks_node_group.EksNodeGroup(
            self, "NodeGroup",
            cluster_name=cluster_name,
            node_group_name_prefix=f"{name}-",
            node_role_arn=node_role_arn,
            subnet_ids=list(subnet_ids),
            version=kubernetes_version,
            ami_type=props.ami_type,
            capacity_type=props.capacity_type,
            instance_types=list(props.instance_types),
            scaling_config={"min_size": props.min_size, "max_size": props.max_size,
                            "desired_size": props.initial_size},
            update_config={"max_unavailable_percentage": props.max_unavailable_percentage},
            launch_template={"id": self.launch_template.id,
                             "version": Token.as_string(self.launch_template.latest_version)},
            node_repair_config={"enabled": props.auto_repair},
            labels=dict(props.labels) or None,
            depends_on=list(depends_on),
            lifecycle=TerraformResourceLifecycle(
                create_before_destroy=True,
                ignore_changes=[DESIRED_SIZE_ATTRIBUTE] if props.desired_size_owner == "autoscaler" else None,
            ),
        )
        self.node_group_arn: str = self.node_group.arn
