"""Rules for EKS clusters and managed node groups."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.policy.limits import PolicyLimits
from platform_constructs.policy.rules import eks
from platform_constructs.policy.rules.eks import (
    api_authentication,
    control_plane_logging,
    node_group_min_size,
    node_group_no_ssh,
    node_group_on_demand,
    node_group_update,
    node_repair,
    private_endpoint,
    public_endpoint_restricted,
    secrets_encryption,
    zonal_shift,
)

PRIVATE, RESTRICTED = private_endpoint.RULE, public_endpoint_restricted.RULE
LOGGING, SECRETS, AUTH = control_plane_logging.RULE, secrets_encryption.RULE, api_authentication.RULE
ON_DEMAND, MIN_SIZE, UPDATE, NO_SSH = (node_group_on_demand.RULE, node_group_min_size.RULE, node_group_update.RULE,
                                       node_group_no_ssh.RULE)
ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
ENCRYPTED = {"encryption_config": {"resources": ["secrets"], "provider": {"key_arn": "${aws_kms_key.Key.arn}"}}}

CASES = [
    (PRIVATE, "aws_eks_cluster", {"vpc_config": {"endpoint_public_access": False, "endpoint_private_access": True}},
     OK),
    (PRIVATE, "aws_eks_cluster", {"vpc_config": {"subnet_ids": []}}, BAD, "endpoint_public_access is not set"),
    (PRIVATE, "aws_eks_cluster", {"vpc_config": {"endpoint_public_access": True, "endpoint_private_access": True}},
     BAD, "endpoint_public_access is true, must be false"),
    (PRIVATE, "aws_eks_node_group", {}, NA),
    (RESTRICTED, "aws_eks_cluster", {"vpc_config": {"endpoint_public_access": True,
                                                    "public_access_cidrs": ["203.0.113.0/24"]}}, OK),
    (RESTRICTED, "aws_eks_cluster", {"vpc_config": {"endpoint_public_access": True}}, BAD, "accepts 0.0.0.0/0"),
    (RESTRICTED, "aws_eks_cluster", {"vpc_config": {"public_access_cidrs": ["0.0.0.0/0"]}}, BAD, "0.0.0.0/0"),
    (RESTRICTED, "aws_eks_cluster", {"vpc_config": {"endpoint_public_access": False}}, NA),
    (LOGGING, "aws_eks_cluster", {"enabled_cluster_log_types": ALL_LOGS}, OK),
    (LOGGING, "aws_eks_cluster", {"enabled_cluster_log_types": ["api", "audit"]}, BAD,
     "lacks authenticator, controllerManager, scheduler"),
    (LOGGING, "aws_eks_addon", {}, NA),
    (SECRETS, "aws_eks_cluster", ENCRYPTED, OK),
    (SECRETS, "aws_eks_cluster",
     {"encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": "arn:k"}]}]},
     OK),
    (SECRETS, "aws_eks_cluster", {}, BAD, 'no encryption_config with resources = ["secrets"]'),
    (SECRETS, "aws_eks_cluster", {"encryption_config": {"resources": ["secrets"], "provider": {}}}, BAD, "key_arn"),
    (SECRETS, "aws_kms_key", {}, NA),
    (AUTH, "aws_eks_cluster", {"access_config": {"authentication_mode": "API"}}, OK),
    (AUTH, "aws_eks_cluster", {"access_config": {"authentication_mode": "API_AND_CONFIG_MAP"}}, BAD,
     "'API_AND_CONFIG_MAP', must be 'API'"),
    (AUTH, "aws_eks_access_entry", {}, NA),
    (ON_DEMAND, "aws_eks_node_group", {}, OK),
    (ON_DEMAND, "aws_eks_node_group", {"capacity_type": "ON_DEMAND"}, OK),
    (ON_DEMAND, "aws_eks_node_group", {"capacity_type": "SPOT"}, BAD, "capacity_type is 'SPOT'"),
    (ON_DEMAND, "aws_eks_cluster", {}, NA),
    (MIN_SIZE, "aws_eks_node_group", {"scaling_config": {"min_size": 3, "max_size": 6, "desired_size": 3}}, OK),
    (MIN_SIZE, "aws_eks_node_group", {"scaling_config": {"min_size": 1}}, BAD, "min_size is 1, must be at least 3"),
    (MIN_SIZE, "aws_launch_template", {}, NA),
    (UPDATE, "aws_eks_node_group", {"update_config": {"max_unavailable_percentage": 33}}, OK),
    (UPDATE, "aws_eks_node_group", {}, OK),
    (UPDATE, "aws_eks_node_group", {"update_config": {"max_unavailable_percentage": 50}}, BAD, "at most 33"),
    (UPDATE, "aws_eks_node_group", {"update_config": {"max_unavailable": 3}}, BAD, "max_unavailable is 3"),
    (UPDATE, "aws_eks_cluster", {}, NA),
    (NO_SSH, "aws_eks_node_group", {"node_role_arn": "${aws_iam_role.Node.arn}"}, OK),
    (NO_SSH, "aws_eks_node_group", {"remote_access": {"ec2_ssh_key": "ops"}}, BAD, "remote_access (SSH) is set"),
    (NO_SSH, "aws_instance", {"key_name": "ops"}, NA),
    (node_repair.RULE, "aws_eks_node_group", {"node_repair_config": {"enabled": True}}, OK),
    (node_repair.RULE, "aws_eks_node_group", {}, BAD, "node_repair_config.enabled is not set"),
    (node_repair.RULE, "aws_eks_cluster", {}, NA),
    (zonal_shift.RULE, "aws_eks_cluster", {"zonal_shift_config": {"enabled": True}}, OK),
    (zonal_shift.RULE, "aws_eks_cluster", {"zonal_shift_config": {"enabled": False}}, BAD, "enabled is false"),
    (zonal_shift.RULE, "aws_eks_node_group", {}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_node_group_limits_come_from_the_policy():
    limits = PolicyLimits(node_group_min_size=2, node_group_max_unavailable_percentage=50)
    assert_case(MIN_SIZE, "aws_eks_node_group", {"scaling_config": {"min_size": 2}}, OK, limits=limits)
    assert_case(UPDATE, "aws_eks_node_group", {"update_config": {"max_unavailable_percentage": 50}}, OK, limits=limits)


def test_every_rule_has_its_outcomes():
    assert_covers(eks, CASES)
