"""Application entries applied to the local AWS emulator with the real Terraform CLI and AWS provider.

The real ``bootstrap`` and ``shared`` stacks (parent zone, delegation roles, CI identities), then per
environment a small platform stack with the real :class:`EnvironmentIngress` (tests/traffic_stacks.py),
and the AWS part of the real ``<env>-app-<name>`` stacks (certificate, load balancer or shared
listener, target group, listener rule, records, security group path). Everything applies, and a
second plan of every stack is empty.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from tfjson import aws_only, strip_metadata
from traffic_stacks import write_traffic_stack

from local_aws.deploy import PLAN_EMPTY, LocalStack, provision_ci
from local_aws.emulator import LocalAws
from platformctl.terraform.cli import write_cli_config

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

DEPLOYER = "platform-deployer"
IMAGE = "444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api@sha256:" + "ab" * 32


ENVIRONMENTS = ("dev", "prod")


def stack_dir(root, name, config):
    directory = root / "stacks" / name
    directory.mkdir(parents=True)
    (directory / "cdk.tf.json").write_text(json.dumps(config))
    return directory


def without_backend(config):
    stripped = strip_metadata(config)
    stripped["terraform"].pop("backend")
    return stripped


def apply_and_replan(stacks):
    """Apply each ``(stack, variables)`` in order, then plan each again: it must have nothing left to do."""
    for stack, variables in stacks:
        stack.init()
        stack.run("apply", "-input=false", "-auto-approve", *variables)
    for stack, variables in stacks:
        exit_code = stack.run("plan", "-input=false", "-detailed-exitcode", *variables, ok=(0, 2)).returncode
        assert exit_code == PLAN_EMPTY, f"{stack.name} is not settled after its apply"


@pytest.fixture(scope="module")
def deployed(platform, stack_json, tmp_path_factory):
    """One emulator: the shared stack, then dev's and prod's entries side by side (two Terraform runs at once,
    most of their time is the provider's fixed waits). Returns env name → a boto3 client factory in its account."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the emulator drills need the real CLI")
    root = tmp_path_factory.mktemp("traffic")
    with LocalAws(account_id=platform.shared.aws.account_id, region=platform.shared.aws.region,
                  run_dir=root / "emulator") as emulator:
        cli_config = write_cli_config(root / "platform.tfrc")
        terraform_env = emulator.process_env(dict(os.environ, TF_CLI_CONFIG_FILE=str(cli_config), TF_INPUT="0"))
        emulator.create_role(platform.shared.aws.account_id, DEPLOYER)
        provision_ci(emulator, platform)  # the CI cluster the shared stack's CI identities are bound to
        # bootstrap first: the shared stack's CI identities read the state buckets' keys
        apply_and_replan([(LocalStack(name, stack_dir(root, name, without_backend(stack_json(name))), terraform_env,
                                      root / "logs" / f"{name}.log"), []) for name in ("bootstrap", "shared")])

        chains, clients = {}, {}
        for env_name in ENVIRONMENTS:  # synthesized one after the other: the jsii kernel is not for threads
            env = platform.environments[env_name]
            deployer = emulator.create_role(env.aws.account_id, DEPLOYER)
            emulator.client("eks", role_arn=deployer).create_cluster(
                name=f"acme-{env_name}-eks",
                roleArn=f"arn:aws:iam::{env.aws.account_id}:role/acme-{env_name}-eks-cluster",
                resourcesVpcConfig={"subnetIds": []})
            traffic = write_traffic_stack(root / f"{env_name}-traffic", platform, env_name)
            apps = stack_dir(root, f"{env_name}-app-api", aws_only(stack_json(f"{env_name}-app-api")))
            chains[env_name] = [(LocalStack(f"{env_name}-traffic", traffic, terraform_env,
                                            root / "logs" / f"{env_name}-traffic.log"), []),
                                (LocalStack(f"{env_name}-app-api", apps, terraform_env,
                                            root / "logs" / f"{env_name}-app-api.log"),
                                 [f"-var=image_api={IMAGE}", "-var=change_cause_api=3f2c1e0"])]
            clients[env_name] = lambda service, role=deployer: emulator.client(service, role_arn=role)
        with ThreadPoolExecutor(max_workers=len(chains)) as pool:
            list(pool.map(apply_and_replan, chains.values()))
        clients["shared"] = emulator.client
        yield clients


def records(route53, zone_id):
    return {(record["Name"], record["Type"]): record
            for record in route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]}


def zones_named(route53, name):
    return {zone["Config"]["PrivateZone"]: zone["Id"] for zone in route53.list_hosted_zones()["HostedZones"]
            if zone["Name"] == f"{name}."}


def test_dev_entry_shares_the_internal_load_balancer(deployed):
    client = deployed["dev"]
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
        described = acm.describe_certificate(CertificateArn=certificate["CertificateArn"])["Certificate"]
        assert described["Status"] == "ISSUED"
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


def test_prod_entry_has_its_own_load_balancer_behind_the_waf_with_logs(deployed):
    client = deployed["prod"]
    elbv2, route53, wafv2, s3 = client("elbv2"), client("route53"), client("wafv2"), client("s3")
    [balancer] = elbv2.describe_load_balancers()["LoadBalancers"]
    assert (balancer["LoadBalancerName"], balancer["Scheme"]) == ("acme-prod-api", "internet-facing")
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]}
    assert attributes["deletion_protection.enabled"] == "true"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == "acme-prod-lb-logs-333333333333"
    [encryption] = s3.get_bucket_encryption(Bucket="acme-prod-lb-logs-333333333333")[
        "ServerSideEncryptionConfiguration"]["Rules"]
    assert encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    acl = wafv2.get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])["WebACL"]
    assert acl["Name"] == "acme-prod-entries"
    rules = [rule["Name"] for rule in sorted(acl["Rules"], key=lambda rule: rule["Priority"])]
    assert rules == ["rate-limit-per-client", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
                     "AWSManagedRulesKnownBadInputsRuleSet"]
    zones = zones_named(route53, "prod.acme.example")
    assert ("api.prod.acme.example.", "A") in records(route53, zones[False])   # internet-facing: public zone
    assert ("api.prod.acme.example.", "A") in records(route53, zones[True])    # and the private one (split horizon)
    # the parent zone in the shared account delegates prod.acme.example to the public zone's name servers
    shared_route53 = deployed["shared"]("route53")
    parent = {zone["Name"]: zone["Id"] for zone in shared_route53.list_hosted_zones()["HostedZones"]}
    delegation = records(shared_route53, parent["acme.example."])[("prod.acme.example.", "NS")]
    servers = route53.get_hosted_zone(Id=zones[False])["DelegationSet"]["NameServers"]
    delegated = sorted(r["Value"].rstrip(".") for r in delegation["ResourceRecords"])
    assert delegated == sorted(s.rstrip(".") for s in servers)
