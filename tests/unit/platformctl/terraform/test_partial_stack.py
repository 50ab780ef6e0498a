"""The part of a stack that needs only the installable providers: blocks left out, references stood in for."""

from __future__ import annotations

import json
import re

import pytest

from platformctl.terraform.partial_stack import provider_of, without_providers

APPS_STACK = {
    "terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"},
                                         "kubernetes": {"source": "kubernetes", "version": "2.38.0"}}},
    "provider": {"aws": [{"region": "eu-west-1"}],
                 "kubernetes": [{"host": "${data.aws_eks_cluster.Lookup.endpoint}"}]},
    "data": {"aws_eks_cluster": {"Lookup": {"name": "acme-dev-eks"}},
             "kubernetes_secret_v1": {"Token": {"metadata": [{"name": "token"}]}}},
    "resource": {
        "aws_iam_role": {"PodRole": {"name": "api", "assume_role_policy": "{}"}},
        "aws_eks_pod_identity_association": {"PodIdentity": {
            "cluster_name": "acme-dev-eks",
            "namespace": "${kubernetes_namespace_v1.Namespace.metadata[0].name}",
            "service_account": "${kubernetes_service_account_v1.Account.metadata[0].name}",
            "role_arn": "${aws_iam_role.PodRole.arn}",
            "tags": {"token": "${data.kubernetes_secret_v1.Token.id}"},
            "depends_on": ["kubernetes_namespace_v1.Namespace", "aws_iam_role.PodRole"],
        }},
        "kubernetes_namespace_v1": {"Namespace": {"metadata": [{"name": "api"}]},
                                    "Namespace2": {"metadata": [{"name": "api2"}]}},
        "kubernetes_service_account_v1": {"Account": {"metadata": [{"name": "api"}]}},
        "aws_ssm_parameter": {"Aliased": {"provider": "kubernetes.west", "name": "x"}},
    },
    "output": {"namespace": {"value": "${kubernetes_namespace_v1.Namespace2.metadata[0].name}"},
               "role": {"value": "${aws_iam_role.PodRole.arn}"}},
}


@pytest.mark.parametrize(("block_type", "block", "expected"), [
    ("aws_iam_role", {}, "aws"),
    ("kubernetes_namespace_v1", {}, "kubernetes"),
    ("aws_ssm_parameter", {"provider": "aws.us_east_1"}, "aws"),
    ("aws_ssm_parameter", {"provider": "kubernetes.west"}, "kubernetes"),
    ("aws_ssm_parameter", {"provider": "${aws.us_east_1}"}, "aws"),
])
def test_a_block_belongs_to_its_provider_argument_else_its_type_prefix(block_type, block, expected):
    assert provider_of(block_type, block) == expected


def test_the_missing_providers_blocks_are_left_out_and_the_rest_kept():
    partial = without_providers(APPS_STACK, {"kubernetes"})
    document = partial.document
    assert partial.left_out == ("kubernetes_namespace_v1.Namespace", "kubernetes_namespace_v1.Namespace2",
                                "kubernetes_service_account_v1.Account", "aws_ssm_parameter.Aliased",
                                "data.kubernetes_secret_v1.Token")
    assert set(document["resource"]) == {"aws_iam_role", "aws_eks_pod_identity_association"}
    assert set(document["data"]) == {"aws_eks_cluster"}
    assert set(document["provider"]) == set(document["terraform"]["required_providers"]) == {"aws"}
    assert partial.kept == 3
    assert "kubernetes" in APPS_STACK["provider"], "the input document is not changed"


def test_references_to_left_out_blocks_become_stand_in_variables():
    document = without_providers(APPS_STACK, {"kubernetes"}).document
    association = document["resource"]["aws_eks_pod_identity_association"]["PodIdentity"]
    assert association["namespace"] == "${var.stand_in__kubernetes_namespace_v1__Namespace.metadata[0].name}"
    assert association["service_account"] == "${var.stand_in__kubernetes_service_account_v1__Account.metadata[0].name}"
    assert association["tags"]["token"] == "${var.stand_in__data__kubernetes_secret_v1__Token.id}"
    assert association["role_arn"] == "${aws_iam_role.PodRole.arn}"
    assert association["depends_on"] == ["aws_iam_role.PodRole"]
    assert document["output"]["namespace"]["value"] == \
        "${var.stand_in__kubernetes_namespace_v1__Namespace2.metadata[0].name}"
    assert document["variable"]["stand_in__kubernetes_namespace_v1__Namespace"]["type"] == "any"
    assert len(document["variable"]) == 5
    assert not re.findall(r"(?<![\w.])(?:data\.)?kubernetes_\w+\.\w+", json.dumps(document))


def test_nothing_to_leave_out_changes_nothing():
    partial = without_providers(APPS_STACK, {"helm"})
    assert partial.document == APPS_STACK and partial.left_out == () and partial.kept == 8


def test_a_section_left_empty_is_dropped_as_terraform_refuses_an_empty_one():
    """A stack whose only resource needs the missing provider (``<env>-cluster-config``): Terraform refuses
    ``"resource": {}`` ("Missing block label") before it validates anything."""
    stack = {"provider": {"aws": [{}], "kubernetes": [{}]},
             "data": {"aws_eks_cluster": {"Lookup": {"name": "acme-dev-eks"}}},
             "resource": {"kubernetes_config_map_v1": {"VpcCni": {"metadata": {"name": "amazon-vpc-cni"}}}}}
    partial = without_providers(stack, {"kubernetes"})
    assert "resource" not in partial.document and set(partial.document["data"]) == {"aws_eks_cluster"}
    assert (partial.left_out, partial.kept) == (("kubernetes_config_map_v1.VpcCni",), 1)
