"""Continuous delivery as infrastructure: the CI network's spoke and planner role in each environment,
the two agent identities in the tooling account, and the [ci] configuration they come from."""

from __future__ import annotations

import json

import pytest
from envfiles import copy_environments, set_value
from tfjson import only, resources_of

from platform_constructs.config.loader import load_platform
from platform_constructs.errors import ConfigError

TOOLING = "444444444444"
CI_CIDR = "172.16.0.0/20"
HUB = "tgw-0a1b2c3d4e5f60789"


def _policy(role_or_policy: dict, key: str) -> dict:
    return json.loads(role_or_policy[key])


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_each_environment_attaches_its_private_subnets_to_the_hub_and_opens_the_api_to_ci_only(stack_json, platform,
                                                                                                env):
    config = stack_json(env)
    attachment = only(config, "aws_ec2_transit_gateway_vpc_attachment")
    zones = platform.environments[env].network.az_count
    assert attachment["transit_gateway_id"] == HUB and len(attachment["subnet_ids"]) == zones
    assert all("aws_subnet.Network_PrivateSubnet" in subnet for subnet in attachment["subnet_ids"])
    # RAM-shared hub: the attachment sets no route-table association of the owner's
    assert "transit_gateway_default_route_table_association" not in attachment
    [attachment_id] = resources_of(config, "aws_ec2_transit_gateway_vpc_attachment")
    routes = [route for name, route in resources_of(config, "aws_route").items() if name.startswith("Ci_ToCi")]
    assert len(routes) == len(platform.environments[env].network.availability_zones or [None] * zones) or routes
    for route in routes:
        assert (route["destination_cidr_block"], route["transit_gateway_id"]) == (CI_CIDR, HUB)
        assert route["depends_on"] == [f"aws_ec2_transit_gateway_vpc_attachment.{attachment_id}"]
        assert "aws_route_table.Network_PrivateRouteTable" in route["route_table_id"]
    [api] = [rule for name, rule in resources_of(config, "aws_vpc_security_group_ingress_rule").items()
             if name.startswith("Ci_")]
    assert (api["cidr_ipv4"], api["from_port"], api["to_port"], api["ip_protocol"]) == (CI_CIDR, 443, 443, "tcp")
    assert api["security_group_id"].endswith(".vpc_config[0].cluster_security_group_id}")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_planner_role_is_read_only_and_only_the_ci_plan_identity_may_assume_it(stack_json, env):
    config = stack_json(env)
    [planner] = [role for role in resources_of(config, "aws_iam_role").values()
                 if role["name"] == f"acme-{env}-ci-planner"]
    [statement] = _policy(planner, "assume_role_policy")["Statement"]
    assert statement == {"Effect": "Allow", "Action": "sts:AssumeRole",
                         "Principal": {"AWS": f"arn:aws:iam::{TOOLING}:role/acme-shared-ci-plan"}}
    attached = [a["policy_arn"] for name, a in resources_of(config, "aws_iam_role_policy_attachment").items()
                if name.startswith("Ci_PlannerRole")]
    assert attached == ["arn:${data.aws_partition.Partition.partition}:iam::aws:policy/ReadOnlyAccess"] or \
        [arn.rsplit("/", 1)[-1] for arn in attached] == ["ReadOnlyAccess"]
    [view] = [a for name, a in resources_of(config, "aws_eks_access_policy_association").items()
              if name.startswith("Ci_PlannerAccessPolicy")]
    assert view["access_scope"] == {"type": "cluster"} and view["policy_arn"].endswith("/AmazonEKSViewPolicy")


def test_the_agent_identities_are_pinned_to_their_namespace_and_scoped_to_their_work(stack_json, platform):
    config = stack_json("shared")
    roles = {role["name"]: role for role in resources_of(config, "aws_iam_role").values()}
    policies = {policy["role"]: _policy(policy, "policy")
                for policy in resources_of(config, "aws_iam_role_policy").values()}
    by_role = {name: policies[f"${{aws_iam_role.{key}.name}}"]
               for key, role in resources_of(config, "aws_iam_role").items()
               for name in [role["name"]] if f"${{aws_iam_role.{key}.name}}" in policies}
    pods = {"plan": ("ci-plan", "jenkins-plan"), "apply": ("ci-apply", "jenkins-apply"),
            "image-push": ("ci-build", "jenkins-image-push"), "image-scan": ("ci-build", "jenkins-image-scan")}
    assert set(by_role) == {f"acme-shared-ci-{identity}" for identity in pods}
    for identity, (namespace, service_account) in pods.items():
        [trust] = _policy(roles[f"acme-shared-ci-{identity}"], "assume_role_policy")["Statement"]
        assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        assert trust["Condition"]["StringEquals"] == {
            "aws:SourceAccount": TOOLING, "aws:RequestTag/eks-cluster-name": "acme-tooling-ci",
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": service_account}
    statements = {identity: {s["Sid"]: s for s in by_role[f"acme-shared-ci-{identity}"]["Statement"]}
                  for identity in pods}
    deployers = {config_.aws.deploy_role_arn for _, config_ in platform.configs()}
    planners = {f"arn:aws:iam::{config_.aws.account_id}:role/acme-{name}-ci-planner"
                for name, config_ in platform.configs()}
    assert set(statements["plan"]["AssumePlannerRoles"]["Resource"]) == planners
    # and each environment's DNS delegation role, through which its platform stack writes its NS records
    delegations = {f"${{aws_iam_role.{key}.arn}}" for key, role in resources_of(config, "aws_iam_role").items()
                   if role["name"].startswith("acme-shared-dns-delegation-")}
    assert len(delegations) == len(platform.environments)
    assert set(statements["apply"]["AssumeDeployRoles"]["Resource"]) == deployers | delegations
    assert not delegations & set(statements["plan"]["AssumePlannerRoles"]["Resource"])
    assert statements["plan"]["StateObjects"]["Action"] == ["s3:GetObject"]  # plans write no state and take no lock
    assert "s3:PutObject" in statements["apply"]["StateObjects"]["Action"]
    assert sorted(statements["apply"]["StateObjects"]["Resource"]) == sorted(
        f"arn:aws:s3:::acme-platform-tfstate-444444444444/{prefix}/*"
        for prefix in ("platform/shared", "platform/dev", "platform/staging", "platform/prod"))
    assert "TagDeployedImages" not in statements["plan"]
    assert statements["apply"]["TagDeployedImages"]["Action"] == [
        "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:PutImage"]
    repositories = set(statements["apply"]["TagDeployedImages"]["Resource"])
    assert len(repositories) == len(platform.shared.registry.repositories) == 3  # api, worker, platform-tools
    # promotion to prod reads the images' Inspector findings; nothing else of Inspector, and only the apply side
    assert statements["apply"]["ReadImageFindings"] == {
        "Sid": "ReadImageFindings", "Effect": "Allow", "Action": ["inspector2:ListFindings"], "Resource": ["*"]}
    assert all("ReadImageFindings" not in statements[identity] for identity in ("plan", "image-push", "image-scan"))
    for identity, work in (("image-push", "PushImages"), ("image-scan", "ReadImages")):
        # the build side reaches the registry's repositories only: no role to assume, no state
        assert set(statements[identity]) == {"RegistryToken", work}
        assert set(statements[identity][work]["Resource"]) == repositories
        assert statements[identity]["RegistryToken"]["Action"] == ["ecr:GetAuthorizationToken"]
    assert "ecr:PutImage" in statements["image-push"]["PushImages"]["Action"]
    assert not {"ecr:PutImage", "ecr:UploadLayerPart"} & set(statements["image-scan"]["ReadImages"]["Action"])
    associations = {(a["namespace"], a["service_account"]) for a in
                    resources_of(config, "aws_eks_pod_identity_association").values()}
    assert associations == set(pods.values())


@pytest.mark.parametrize(("edit", "file", "field", "fragment"), [
    (("ci.network.cidr", "10.10.0.0/20"), "dev.toml", "network.cidr", "overlaps the CI network 10.10.0.0/20"),
    (("ci.network.transit_gateway_id", "hub"), "shared.toml", "ci.network.transit_gateway_id", "should match pattern"),
    (("ci.applications", {}), "dev.toml", "apps.api", "has no source repository: add [ci.applications.api]"),
    (("ci.applications.api.repository", "git.acme.example/api"), "shared.toml", "ci.applications.api.repository",
     "should match pattern"),
    (("ci.approvers", {"staging": "platform-team"}), "prod.toml", "tier",
     "is protected but shared.toml names no approvers for tier prod"),
    (("ci.plan.service_account", "Jenkins Plan"), "shared.toml", "ci.plan.service_account", "should match pattern"),
], ids=["network-overlaps-an-environment", "not-a-transit-gateway", "application-without-source", "not-a-git-url",
        "protected-tier-without-approvers", "bad-service-account"])
def test_bad_ci_configuration_is_refused_naming_file_field_and_value(tmp_path, edit, file, field, fragment):
    directory = copy_environments(tmp_path)
    set_value(directory, "shared.toml", *edit)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    matching = [problem for problem in raised.value.problems if problem.field == field and problem.file.endswith(file)]
    assert matching and any(fragment in problem.message for problem in matching), str(raised.value)
