"""Rules for VPC networking and EC2 instances / launch templates."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.rules import ec2, vpc
from platform_constructs.policy.rules.ec2 import ebs_encrypted, imdsv2_required
from platform_constructs.policy.rules.vpc import default_security_group_closed, flow_log_all_traffic, no_public_ingress

CLOSED, INGRESS, FLOW = default_security_group_closed.RULE, no_public_ingress.RULE, flow_log_all_traffic.RULE
IMDS, EBS = imdsv2_required.RULE, ebs_encrypted.RULE
IMDSV2 = {"metadata_options": {"http_tokens": "required", "http_put_response_hop_limit": 1}}

CASES = [
    (CLOSED, "aws_default_security_group", {"vpc_id": "${aws_vpc.Vpc.id}"}, OK),
    (CLOSED, "aws_default_security_group", {"ingress": [], "egress": []}, OK),
    (CLOSED, "aws_default_security_group", {"egress": [{"cidr_blocks": ["0.0.0.0/0"]}]}, BAD, "has egress rules"),
    (CLOSED, "aws_security_group", {"ingress": [{"cidr_blocks": ["10.0.0.0/8"]}]}, NA),
    (INGRESS, "aws_vpc_security_group_ingress_rule", {"referenced_security_group_id": "${aws_security_group.A.id}"},
     OK),
    (INGRESS, "aws_security_group", {"ingress": [{"cidr_blocks": ["10.10.0.0/16"]}]}, OK),
    (INGRESS, "aws_security_group_rule", {"type": "egress", "cidr_blocks": ["0.0.0.0/0"]}, OK),
    (INGRESS, "aws_vpc_security_group_ingress_rule", {"cidr_ipv4": "0.0.0.0/0"}, BAD, "open to 0.0.0.0/0"),
    (INGRESS, "aws_vpc_security_group_ingress_rule", {"cidr_ipv6": "::/0"}, BAD, "open to ::/0"),
    (INGRESS, "aws_security_group_rule", {"type": "ingress", "cidr_blocks": ["0.0.0.0/0"]}, BAD, "0.0.0.0/0"),
    (INGRESS, "aws_security_group", {"ingress": [{"ipv6_cidr_blocks": ["::/0"]}]}, BAD, "::/0"),
    (INGRESS, "aws_vpc_security_group_egress_rule", {"cidr_ipv4": "0.0.0.0/0"}, NA),
    (FLOW, "aws_flow_log", {"traffic_type": "ALL"}, OK),
    (FLOW, "aws_flow_log", {"traffic_type": "REJECT"}, BAD, "traffic_type is 'REJECT', must be 'ALL'"),
    (FLOW, "aws_vpc", {}, NA),
    (IMDS, "aws_launch_template", IMDSV2, OK),
    (IMDS, "aws_instance", {"metadata_options": [IMDSV2["metadata_options"]]}, OK),
    (IMDS, "aws_launch_template", {}, BAD, "metadata_options.http_tokens is not set"),
    (IMDS, "aws_launch_template", {"metadata_options": {"http_tokens": "required", "http_put_response_hop_limit": 2}},
     BAD, "hop_limit is 2, must be 1"),
    (IMDS, "aws_eks_node_group", {}, NA),
    (EBS, "aws_launch_template", {"block_device_mappings": [{"device_name": "/dev/xvda",
                                                              "ebs": {"encrypted": "true"}}]}, OK),
    (EBS, "aws_instance", {"root_block_device": {"encrypted": True}}, OK),
    (EBS, "aws_ebs_volume", {"encrypted": True}, OK),
    (EBS, "aws_launch_template", {"block_device_mappings": [{"ebs": {"encrypted": "false"}}]}, BAD,
     "volume(s) [0] are not encrypted"),
    (EBS, "aws_ebs_volume", {}, BAD, "not encrypted"),
    (EBS, "aws_eks_node_group", {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


@pytest.mark.parametrize("service", [vpc, ec2], ids=lambda module: module.__name__)
def test_every_rule_has_its_outcomes(service):
    assert_covers(service, CASES)
