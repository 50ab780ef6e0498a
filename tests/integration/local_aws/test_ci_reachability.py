"""CI reachability and CI identities, applied by the real Terraform CLI and AWS provider to the emulator.

The landing zone (``LocalDeployment.provision_accounts``) provides the CI cluster and the hub
transit gateway, shared through RAM with the environment accounts. The shared stack then creates
the two agent identities; an environment's side (:class:`CiAccess`) attaches its private subnets to
the hub, routes the CI network through it, opens the cluster's API to it and creates the planner
role with its view-only cluster access. Both plans are empty when applied again.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from local_aws.deploy import PLAN_EMPTY

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]


def _terraform(directory, env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["terraform", f"-chdir={directory}", *args, "-input=false", "-no-color"], env=env,
                          capture_output=True, text=True, check=False)


def _dev_side(platform, tmp_path, cluster_security_group: str, vpc_cidr: str) -> dict:
    """A small stack of dev's account: a VPC with two private subnets and route tables, and CiAccess."""
    from platform_constructs._internal.tf import App, TerraformStack, aws
    from platform_constructs.ci.ci_access import CiAccess
    from platform_constructs.ci.ci_props import ci_role_arn
    from platform_constructs.naming import Naming
    from platform_constructs.stacks.common import aws_provider

    dev, shared = platform.environments["dev"], platform.shared
    outdir = tmp_path / "dev-ci-out"
    stack = TerraformStack(App(outdir=str(outdir)), "dev-ci")
    aws_provider(stack, dev.aws, dev.all_tags, role_arn=dev.aws.deploy_role_arn)
    vpc = aws.vpc.Vpc(stack, "Vpc", cidr_block=vpc_cidr, enable_dns_support=True, enable_dns_hostnames=True)
    subnets, tables = [], []
    for index, zone in enumerate("ab"):
        subnet = aws.subnet.Subnet(stack, f"Private{zone}", vpc_id=vpc.id, cidr_block=f"10.10.{index}.0/24",
                                   availability_zone=f"{dev.aws.region}{zone}")
        table = aws.route_table.RouteTable(stack, f"PrivateTable{zone}", vpc_id=vpc.id)
        aws.route_table_association.RouteTableAssociation(stack, f"PrivateAssociation{zone}", subnet_id=subnet.id,
                                                          route_table_id=table.id)
        subnets.append(subnet.id)
        tables.append(table.id)
    CiAccess(stack, "Ci", network=shared.ci.network, naming=Naming(dev.naming.prefix, dev.name),
             ci_plan_role_arn=ci_role_arn(shared.aws.account_id, Naming(shared.naming.prefix, shared.name), "plan"),
             vpc_id=vpc.id, subnet_ids=subnets, route_table_ids=tables, cluster_name="acme-dev-eks",
             cluster_security_group_id=cluster_security_group)
    stack.node.root.synth()
    return {"directory": outdir / "stacks" / "dev-ci"}


def _assert_agent_identities(local_aws, shared) -> None:
    """Each CI agent role trusts only its namespace's pod identity, associated with its service account."""
    iam, eks = local_aws.client("iam"), local_aws.client("eks")
    for identity in ("plan", "apply"):
        role = iam.get_role(RoleName=f"acme-shared-ci-{identity}")["Role"]
        [statement] = role["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"] == f"ci-{identity}"
        associations = eks.list_pod_identity_associations(clusterName=shared.ci.cluster_name)["associations"]
        [association] = [a for a in associations
                         if a["namespace"] == f"ci-{identity}"]
        assert association["serviceAccount"] == f"jenkins-{identity}"


def _assumable_roles(iam) -> dict[str, set[str]]:
    """The role ARNs each CI agent identity may assume, by identity."""
    assumable = {}
    for identity in ("plan", "apply"):
        [name] = iam.list_role_policies(RoleName=f"acme-shared-ci-{identity}")["PolicyNames"]
        document = iam.get_role_policy(RoleName=f"acme-shared-ci-{identity}", PolicyName=name)["PolicyDocument"]
        statements = (json.loads(document) if isinstance(document, str) else document)["Statement"]
        assumable[identity] = {arn for statement in statements if statement["Action"] == ["sts:AssumeRole"]
                               for arn in statement["Resource"]}
    return assumable


def _create_dev_cluster(local_aws, dev) -> str:
    """What the platform stack would make in dev: the cluster and its security group; returns the group's id."""
    deployer = dev.aws.deploy_role_arn
    ec2 = local_aws.client("ec2", role_arn=deployer)
    cluster_vpc = ec2.create_vpc(CidrBlock="10.11.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="acme-dev-eks-cluster", Description="cluster", VpcId=cluster_vpc)
    cluster_subnets = [ec2.create_subnet(VpcId=cluster_vpc, CidrBlock=f"10.11.{i}.0/24",
                                         AvailabilityZone=f"{dev.aws.region}{zone}")["Subnet"]["SubnetId"]
                       for i, zone in enumerate("ab")]
    local_aws.client("eks", role_arn=deployer).create_cluster(
        name="acme-dev-eks", roleArn=f"arn:aws:iam::{dev.aws.account_id}:role/acme-dev-eks",
        resourcesVpcConfig={"subnetIds": cluster_subnets}, accessConfig={"authenticationMode": "API"})
    return group["GroupId"]


def _assert_routed_through_the_hub(ec2, shared, group_id: str) -> None:
    """Dev's subnets attach to the hub, their tables route the CI network to it, the cluster admits it on 443."""
    hub = shared.ci.network.transit_gateway_id
    [gateway] = ec2.describe_transit_gateways(TransitGatewayIds=[hub])["TransitGateways"]
    assert gateway["OwnerId"] == shared.aws.account_id  # shared with dev through RAM, owned by the tooling account
    [attachment] = ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
    assert (attachment["TransitGatewayId"], len(attachment["SubnetIds"])) == (hub, 2)
    assert {"Key": "Name", "Value": "acme-dev-ci-hub"} in attachment["Tags"]
    routes = [route for table in ec2.describe_route_tables()["RouteTables"] for route in table["Routes"]
              if route.get("DestinationCidrBlock") == shared.ci.network.cidr]
    assert len(routes) == 2 and {route.get("TransitGatewayId") for route in routes} == {hub}
    [rule] = [r for r in ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"] if not r["IsEgress"]]
    assert (rule["CidrIpv4"], rule["FromPort"], rule["ToPort"]) == (shared.ci.network.cidr, 443, 443)


def _assert_planner_role(local_aws, shared, deployer: str) -> None:
    """Dev's planner role trusts the shared plan identity only, reads only, and has an access entry on the cluster."""
    dev_iam = local_aws.client("iam", role_arn=deployer)
    planner = dev_iam.get_role(RoleName="acme-dev-ci-planner")["Role"]
    [trust] = planner["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": f"arn:aws:iam::{shared.aws.account_id}:role/acme-shared-ci-plan"}
    attached = dev_iam.list_attached_role_policies(RoleName="acme-dev-ci-planner")["AttachedPolicies"]
    assert [policy["PolicyName"] for policy in attached] == ["ReadOnlyAccess"]
    dev_eks = local_aws.client("eks", role_arn=deployer)
    entries = dev_eks.list_access_entries(clusterName="acme-dev-eks")["accessEntries"]
    assert planner["Arn"] in entries


def test_the_ci_identities_and_an_environments_spoke_apply_and_replan_empty(deployment, platform, local_aws,
                                                                             tmp_path):
    shared, dev = platform.shared, platform.environments["dev"]
    deployment.apply(["bootstrap", "shared"])
    assert deployment.replan(["shared"]) == {"shared": PLAN_EMPTY}

    _assert_agent_identities(local_aws, shared)
    assumable = _assumable_roles(local_aws.client("iam"))
    assert f"arn:aws:iam::{dev.aws.account_id}:role/acme-dev-ci-planner" in assumable["plan"]
    assert dev.aws.deploy_role_arn in assumable["apply"]
    assert not {config.aws.deploy_role_arn for _, config in platform.configs()} & assumable["plan"]
    deployer = dev.aws.deploy_role_arn
    ec2 = local_aws.client("ec2", role_arn=deployer)
    group_id = _create_dev_cluster(local_aws, dev)

    spoke = _dev_side(platform, tmp_path, group_id, vpc_cidr="10.10.0.0/16")
    env = local_aws.process_env(dict(os.environ, TF_CLI_CONFIG_FILE=str(deployment.cli_config)))
    for step in (["init"], ["apply", "-auto-approve"]):
        done = _terraform(spoke["directory"], env, *step)
        assert done.returncode == 0, f"terraform {step[0]}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    replan = _terraform(spoke["directory"], env, "plan", "-detailed-exitcode")
    assert replan.returncode == 0, replan.stdout[-3000:]

    _assert_routed_through_the_hub(ec2, shared, group_id)
    _assert_planner_role(local_aws, shared, deployer)

    destroyed = _terraform(spoke["directory"], env, "destroy", "-auto-approve")  # the provider waits for "deleted"
    assert destroyed.returncode == 0, f"terraform destroy:\n{destroyed.stdout[-3000:]}\n{destroyed.stderr[-3000:]}"
    [attachment] = ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
    assert attachment["State"] == "deleted"  # listed for a while after deletion, as AWS lists it
