"""What application entries share, in the synthesized platform and shared stacks: zones and their delegation,
the shared load balancer (dev), the access-log bucket and the web ACL (staging, prod), and the values published."""

from __future__ import annotations

import json

import pytest
from tfjson import only, resources_of, strip_metadata

from platform_constructs.errors import ConstructValidationError
from platform_constructs.ingress.access_logs import LOG_DELIVERY_PRINCIPAL
from platform_constructs.ingress.ingress_props import IngressProps
from platform_constructs.parameters import table

ENVIRONMENTS = ["dev", "staging", "prod"]


def platform_stack(stack_json, env):
    return strip_metadata(stack_json(env))


def published(config):
    return {parameter["name"].split("/platform/", 1)[1]: parameter
            for parameter in resources_of(config, "aws_ssm_parameter").values()}


@pytest.mark.parametrize(("env", "kinds"), [("dev", {"public"}), ("staging", {"public", "private"}),
                                            ("prod", {"public", "private"})])
def test_zones_of_the_environments_domain(stack_json, env, kinds):
    zones = resources_of(platform_stack(stack_json, env), "aws_route53_zone")
    assert {"private" if "vpc" in zone else "public" for zone in zones.values()} == kinds
    assert {zone["name"] for zone in zones.values()} == {f"{env}.acme.example"}
    assert all(zone["force_destroy"] is False for zone in zones.values())
    assert all(zone["lifecycle"]["prevent_destroy"] is (env != "dev") for zone in zones.values())


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_public_zone_is_delegated_from_the_parent_zone(stack_json, env):
    config = platform_stack(stack_json, env)
    [(lookup_id, lookup)] = config["data"]["aws_route53_zone"].items()
    assert lookup == {"name": "acme.example", "private_zone": False, "provider": "aws.dns-parent"}
    [record] = [r for r in resources_of(config, "aws_route53_record").values() if r["type"] == "NS"]
    [public] = [name for name, zone in resources_of(config, "aws_route53_zone").items() if "vpc" not in zone]
    assert record["zone_id"] == f"${{data.aws_route53_zone.{lookup_id}.zone_id}}"
    assert record["records"] == f"${{aws_route53_zone.{public}.name_servers}}"
    assert (record["name"], record["ttl"]) == (f"{env}.acme.example", 3600)


def test_the_shared_account_holds_the_parent_zone_and_one_narrow_role_per_environment(stack_json):
    config = strip_metadata(stack_json("shared"))
    zone = only(config, "aws_route53_zone")
    assert (zone["name"], zone["lifecycle"]) == ("acme.example", {"prevent_destroy": True})
    roles = {role["name"]: role for role in resources_of(config, "aws_iam_role").values()}
    policies = {policy["role"]: json.loads(policy["policy"])
                for policy in resources_of(config, "aws_iam_role_policy").values()}
    assert {name for name in roles if "dns-delegation" in name} == {
        f"acme-shared-dns-delegation-{env}" for env in ENVIRONMENTS}
    for env in ENVIRONMENTS:
        [role_id] = [name for name, role in resources_of(config, "aws_iam_role").items()
                     if role["name"] == f"acme-shared-dns-delegation-{env}"]
        write = policies[f"${{aws_iam_role.{role_id}.id}}"]["Statement"][0]
        assert write["Action"] == "route53:ChangeResourceRecordSets"
        assert write["Condition"]["ForAllValues:StringEquals"] == {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [f"{env}.acme.example"],
            "route53:ChangeResourceRecordSetsRecordTypes": ["NS"]}
    assert set(config["output"]) >= {"parent_zone_id", "parent_zone_name_servers"}


def test_dev_shares_one_internal_load_balancer_with_the_domains_certificate(stack_json):
    config = platform_stack(stack_json, "dev")
    balancer = only(config, "aws_lb")
    assert (balancer["name"], balancer["internal"], balancer["enable_deletion_protection"]) == (
        "acme-dev-internal", True, False)
    assert "access_logs" not in balancer and not resources_of(config, "aws_wafv2_web_acl")
    certificate = only(config, "aws_acm_certificate")
    assert certificate["domain_name"] == "dev.acme.example"
    sources = {rule["cidr_ipv4"] for rule in resources_of(config, "aws_vpc_security_group_ingress_rule").values()
               if rule.get("security_group_id", "").startswith("${aws_security_group.Ingress_SharedLoadBalancer")}
    assert sources == {"10.10.0.0/16"}  # the VPC; internal_client_cidrs are empty in the repository
    values = published(config)
    shared = table.shared_load_balancer("internal")
    assert {value.key for value in shared.all()} <= set(values)
    assert not {key for key in values if "internet-facing" in key}


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_staging_and_prod_share_only_the_log_bucket_and_the_web_acl(platform, stack_json, env):
    config = platform_stack(stack_json, env)
    assert not resources_of(config, "aws_lb")
    bucket = next(b for b in resources_of(config, "aws_s3_bucket").values() if "lb-logs" in b["bucket"])
    assert bucket["bucket"] == f"acme-{env}-lb-logs-{platform.environments[env].aws.account_id}"
    policy = json.loads(next(p["policy"] for p in resources_of(config, "aws_s3_bucket_policy").values()
                             if "ElbAccountDelivery" in p["policy"]))
    writers = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert writers["LogDeliveryService"]["Principal"] == {"Service": LOG_DELIVERY_PRINCIPAL}
    assert writers["ElbAccountDelivery"]["Principal"]["AWS"].startswith("${data.aws_elb_service_account.")
    assert writers["ElbAccountDelivery"]["Resource"].endswith(
        "/*/AWSLogs/${data.aws_caller_identity.CallerIdentity.account_id}/*")
    expiry = next(rules for rules in resources_of(config, "aws_s3_bucket_lifecycle_configuration").values()
                  if rules["rule"][0]["id"] == "expire-access-logs")
    assert expiry["rule"][0]["expiration"] == [{"days": platform.environments[env].ingress.access_log_retention_days}]
    acl = only(config, "aws_wafv2_web_acl")
    assert (acl["name"], acl["scope"], acl["default_action"]) == (f"acme-{env}-entries", "REGIONAL", {"allow": {}})
    [rate, *managed] = acl["rule"]
    assert rate["statement"]["rate_based_statement"]["limit"] == platform.environments[env].ingress.waf.rate_limit
    assert rate["action"] == {"block": {}}
    assert [rule["name"] for rule in managed] == list(platform.environments[env].ingress.waf.managed_rule_groups)
    logging = only(config, "aws_wafv2_web_acl_logging_configuration")
    [group] = [g for g in resources_of(config, "aws_cloudwatch_log_group").values()
               if g["name"].startswith("aws-waf-logs-")]
    assert group["kms_key_id"] and group["retention_in_days"] == 365
    assert len(logging["redacted_fields"]) == 2
    assert {"ingress/access-log-bucket", "ingress/web-acl-arn"} <= set(published(config))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_network_and_cluster_values_are_published_for_the_application_stacks(stack_json, env):
    values = published(platform_stack(stack_json, env))
    assert {"network/vpc-id", "network/vpc-cidr", "network/public-subnet-ids", "network/private-subnet-ids",
            "eks/cluster-security-group-id", "dns/public-zone-id"} <= set(values)
    assert values["network/private-subnet-ids"]["type"] == "StringList"


@pytest.mark.parametrize(("kwargs", "field", "fragment"), [
    ({"name": "a" * 33}, "name", "load balancer names stop at 32"),
    ({"access_log_bucket": None}, "access_log_bucket", "is required when props.access_logs is on"),
    ({"visibility": "internal", "client_cidrs": []}, "client_cidrs", "nobody could reach an internal load balancer"),
])
def test_a_load_balancer_refuses_what_cannot_work(synth_stack, kwargs, field, fragment):
    def build(stack):
        from platform_constructs.ingress.load_balancer import HttpsLoadBalancer

        HttpsLoadBalancer(stack, "LoadBalancer", **{
            "name": "acme-test-api", "visibility": "internet-facing", "props": IngressProps(), "vpc_id": "vpc-1",
            "subnet_ids": ["subnet-a"], "client_cidrs": ["10.0.0.0/16"], "certificate_arn": "arn:cert",
            "access_log_bucket": "logs", "web_acl": None, **kwargs})

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build)
    assert (raised.value.field, raised.value.path) == (field, "test/LoadBalancer")
    assert fragment in raised.value.message
