"""ManagedNodeGroup construct: hardened launch template, replacement-safe node group, autoscaler switch."""

from __future__ import annotations

import pytest
from tfjson import only, resources_of

from platform_constructs.compute.eks_props import NodeGroupProps
from platform_constructs.errors import ConstructValidationError

SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]


def build_group(name="acme-test-eks-system", **props):
    def build(stack):
        from platform_constructs.compute.node_group import ManagedNodeGroup

        ManagedNodeGroup(stack, "Nodes", props=NodeGroupProps(**props), name=name, cluster_name="acme-test-eks",
                         kubernetes_version="1.34", node_role_arn="arn:aws:iam::111111111111:role/n",
                         subnet_ids=SUBNETS)
    return build


def test_launch_template_requires_imdsv2_with_hop_limit_one_and_encrypted_gp3(synth_stack):
    template = only(synth_stack(build_group(root_volume_size_gib=80)), "aws_launch_template")
    assert template["metadata_options"] == {"http_endpoint": "enabled", "http_tokens": "required",
                                            "http_put_response_hop_limit": 1}
    assert template["block_device_mappings"] == [{"device_name": "/dev/xvda", "ebs": {
        "volume_type": "gp3", "volume_size": 80, "encrypted": "true", "delete_on_termination": "true"}}]
    # EKS attaches the cluster security group only when the template names none; AL2023 comes from ami_type
    assert "vpc_security_group_ids" not in template and "image_id" not in template and "user_data" not in template
    assert [spec["resource_type"] for spec in template["tag_specifications"]] == ["instance", "volume"]


def test_node_group_uses_the_template_version_and_the_private_subnets(synth_stack):
    config = synth_stack(build_group(instance_types=("m7i.large", "m6i.large"), min_size=3, max_size=9))
    group = only(config, "aws_eks_node_group")
    template = next(iter(resources_of(config, "aws_launch_template")))
    assert group["launch_template"] == {"id": f"${{aws_launch_template.{template}.id}}",
                                        "version": f"${{aws_launch_template.{template}.latest_version}}"}
    assert group["subnet_ids"] == SUBNETS
    assert (group["version"], group["ami_type"], group["capacity_type"]) == \
        ("1.34", "AL2023_x86_64_STANDARD", "ON_DEMAND")
    assert group["instance_types"] == ["m7i.large", "m6i.large"]
    assert group["scaling_config"] == {"min_size": 3, "max_size": 9, "desired_size": 3}
    assert group["update_config"] == {"max_unavailable_percentage": 33}
    assert group["node_repair_config"] == {"enabled": True}
    assert "remote_access" not in group


def test_replacement_creates_the_new_group_before_the_old_one_goes(synth_stack):
    group = only(synth_stack(build_group()), "aws_eks_node_group")
    assert group["node_group_name_prefix"] == "acme-test-eks-system-"
    assert "node_group_name" not in group
    assert group["lifecycle"]["create_before_destroy"] is True


@pytest.mark.parametrize(("owner", "ignored"),
                         [("autoscaler", ["scaling_config[0].desired_size"]), ("terraform", None)])
def test_desired_size_is_left_to_the_autoscaler_only_when_it_owns_it(synth_stack, owner, ignored):
    group = only(synth_stack(build_group(min_size=2, max_size=6, desired_size=4, desired_size_owner=owner)),
                 "aws_eks_node_group")
    assert group["scaling_config"]["desired_size"] == 4
    assert group["lifecycle"].get("ignore_changes") == ignored


def test_spot_group_with_labels(synth_stack):
    group = only(synth_stack(build_group(capacity_type="SPOT", instance_types=("c7g.large", "c6g.large"),
                                         ami_type="AL2023_ARM_64_STANDARD", labels={"workload": "batch"},
                                         auto_repair=False)), "aws_eks_node_group")
    assert (group["capacity_type"], group["ami_type"]) == ("SPOT", "AL2023_ARM_64_STANDARD")
    assert group["labels"] == {"workload": "batch"}
    assert group["node_repair_config"] == {"enabled": False}


@pytest.mark.parametrize(("kwargs", "field", "fragment"), [
    ({"min_size": 5, "max_size": 2}, "min_size", "5 is greater than max_size (2)"),
    ({"capacity_type": "SPOT", "instance_types": ("t3.large",)}, "instance_types", "SPOT needs at least 2"),
    ({"name": "acme-production-eks-very-long-node-group-name"}, "name", "leave room for the unique suffix"),
])
def test_invalid_input_is_refused_at_the_construct_path(synth_stack, kwargs, field, fragment):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_group(**kwargs))
    assert (raised.value.field, raised.value.path) == (field, "test/Nodes")
    assert fragment in str(raised.value)
