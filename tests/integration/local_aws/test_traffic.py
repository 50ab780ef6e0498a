"""Application entries applied to the local AWS emulator with the real Terraform CLI and AWS provider.

Per environment: the real ``shared`` stack (parent zone, delegation roles), a small platform stack with
the real :class:`EnvironmentIngress` (tests/traffic_stacks.py), and the real ``<env>-apps`` stack's AWS
part (certificate, load balancer or shared listener, target group, listener rule, records, security
group path). Everything applies, and a second plan of every stack is empty.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from tfjson import aws_only, strip_metadata
from traffic_stacks import write_traffic_stack

from local_aws.deploy import PLAN_EMPTY, LocalStack
from platformctl.terraform.cli import write_cli_config

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

DEPLOYER = "platform-deployer"
IMAGE = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api@sha256:" + "ab" * 32


@pytest.fixture()
def terraform_env(local_aws, tmp_path):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the emulator drills need the real CLI")
    cli_config = write_cli_config(tmp_path / "platform.tfrc")
    return local_aws.process_env(dict(os.environ, TF_CLI_CONFIG_FILE=str(cli_config), TF_INPUT="0"))


def stack_dir(tmp_path, name, config):
    directory = tmp_path / "stacks" / name
    directory.mkdir(parents=True)
    (directory / "cdk.tf.json").write_text(json.dumps(config))
    return directory


def without_backend(config):
    stripped = strip_metadata(config)
    stripped["terraform"].pop("backend")
    return stripped


@pytest.fixture()
def deployed(local_aws, platform, stack_json, terraform_env, tmp_path):
    """Deploy shared, ``<env>-traffic`` and the AWS part of ``<env>-apps``; returns a function of the env name."""

    def deploy(env_name):
        env = platform.environments[env_name]
        for account in (platform.shared.aws.account_id, env.aws.account_id):
            local_aws.create_role(account, DEPLOYER)
        deployer = f"arn:aws:iam::{env.aws.account_id}:role/{DEPLOYER}"
        local_aws.client("eks", role_arn=deployer).create_cluster(
            name=f"acme-{env_name}-eks", roleArn=f"arn:aws:iam::{env.aws.account_id}:role/acme-{env_name}-eks-cluster",
            resourcesVpcConfig={"subnetIds": []})
        traffic = write_traffic_stack(tmp_path / "traffic", platform, env_name)
        release = [f"-var=image_api={IMAGE}", "-var=change_cause_api=3f2c1e0"]
        stacks = [
            (LocalStack("shared", stack_dir(tmp_path, "shared", without_backend(stack_json("shared"))), terraform_env), []),
            (LocalStack(f"{env_name}-traffic", traffic, terraform_env), []),
            (LocalStack(f"{env_name}-apps", stack_dir(tmp_path, f"{env_name}-apps", aws_only(stack_json(f"{env_name}-apps"))),
                        terraform_env), release),
        ]
        for stack, variables in stacks:
            stack.init()
            stack.run("apply", "-input=false", "-auto-approve", *variables)
            print(f"{stack.name}: {stack.timings}")
        for stack, variables in stacks:
            assert stack.run("plan", "-input=false", "-detailed-exitcode", *variables,
                             ok=(0, 2)).returncode == PLAN_EMPTY, f"{stack.name} is not settled after its apply"
        return lambda service: local_aws.client(service, role_arn=deployer)

    return deploy


def records(route53, zone_id):
    return {(record["Name"], record["Type"]): record
            for record in route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]}


def zones_named(route53, name):
    return {zone["Config"]["PrivateZone"]: zone["Id"] for zone in route53.list_hosted_zones()["HostedZones"]
            if zone["Name"] == f"{name}."}


def test_dev_entry_shares_the_internal_load_balancer(deployed, local_aws, platform):
    client = deployed("dev")
    elbv2, route53, acm = client("elbv2"), client("route53"), client("acm")
    [balancer] = elbv2.describe_load_balancers()["LoadBalancers"]
    assert (balancer["LoadBalancerName"], balancer["Scheme"]) == ("acme-dev-internal", "internal")
    listeners = {listener["Port"]: listener for listener in
                 elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]}
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    # the application's certificate joins the shared listener (SNI) next to the domain's default one
    extra = elbv2.describe_listener_certificates(ListenerArn=listeners[443]["ListenerArn"])["Certificates"]
    domains = {acm.describe_certificate(CertificateArn=c["CertificateArn"])["Certificate"]["DomainName"] for c in extra}
    assert "api.dev.acme.example" in domains
    for certificate in acm.list_certificates()["CertificateSummaryList"]:
        assert acm.describe_certificate(CertificateArn=certificate["CertificateArn"])["Certificate"]["Status"] == "ISSUED"
    [rule] = [rule for rule in elbv2.describe_rules(ListenerArn=listeners[443]["ListenerArn"])["Rules"]
              if not rule["IsDefault"]]
    conditions = {condition["Field"]: condition for condition in rule["Conditions"]}
    assert conditions["host-header"]["HostHeaderConfig"]["Values"] == ["api.dev.acme.example"]
    assert conditions["path-pattern"]["PathPatternConfig"]["Values"] == ["/*"]
    [group] = elbv2.describe_target_groups()["TargetGroups"]
    assert (group["TargetType"], group["Port"], group["HealthCheckPath"]) == ("ip", 8080, "/ready")
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(
        TargetGroupArn=group["TargetGroupArn"])["Attributes"]}
    assert attributes["deregistration_delay.timeout_seconds"] == "30"  # dev: drain 5s + longest request 25s
    [public] = zones_named(route53, "dev.acme.example").values()
    assert ("api.dev.acme.example.", "A") in records(route53, public)


def test_prod_entry_has_its_own_load_balancer_behind_the_waf_with_logs(deployed, local_aws, platform):
    client = deployed("prod")
    elbv2, route53, wafv2, s3 = client("elbv2"), client("route53"), client("wafv2"), client("s3")
    [balancer] = elbv2.describe_load_balancers()["LoadBalancers"]
    assert (balancer["LoadBalancerName"], balancer["Scheme"]) == ("acme-prod-api", "internet-facing")
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]}
    assert attributes["deletion_protection.enabled"] == "true"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == "acme-prod-lb-logs-333333333333"
    assert s3.get_bucket_encryption(Bucket="acme-prod-lb-logs-333333333333")[
        "ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    acl = wafv2.get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])["WebACL"]
    assert acl["Name"] == "acme-prod-entries"
    assert [rule["Name"] for rule in acl["Rules"]][0] == "rate-limit-per-client"
    zones = zones_named(route53, "prod.acme.example")
    assert ("api.prod.acme.example.", "A") in records(route53, zones[False])   # internet-facing: public zone
    assert ("api.prod.acme.example.", "A") in records(route53, zones[True])    # and the private one (split horizon)
    # the parent zone in the shared account delegates prod.acme.example to the public zone's name servers
    parent = {zone["Name"]: zone["Id"] for zone in local_aws.client("route53").list_hosted_zones()["HostedZones"]}
    delegation = records(local_aws.client("route53"), parent["acme.example."])[("prod.acme.example.", "NS")]
    servers = route53.get_hosted_zone(Id=zones[False])["DelegationSet"]["NameServers"]
    assert sorted(r["Value"].rstrip(".") for r in delegation["ResourceRecords"]) == sorted(s.rstrip(".") for s in servers)
