"""Network construct: synthesized resources per props."""

from __future__ import annotations

import json

import pytest
from tfjson import only, resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.network.props import NetworkProps
from platform_constructs.observability.log_group import LogSettings

LOG_KEY = "arn:aws:kms:eu-west-1:111111111111:key/test"


def build_network(**props):
    def build(stack):
        from platform_constructs.network.network import Network

        Network(stack, "Network", props=NetworkProps(**props), region="eu-west-1", naming=Naming("acme", "test"),
                logs=LogSettings(retention_days=30, kms_key_arn=LOG_KEY))
    return build


@pytest.mark.parametrize(("nat", "az_count", "gateways"), [("none", 3, 0), ("single", 3, 1), ("per_az", 3, 3),
                                                           ("per_az", 2, 2)])
def test_nat_gateways_follow_the_strategy(synth_stack, nat, az_count, gateways):
    config = synth_stack(build_network(nat=nat, az_count=az_count))
    assert len(resources_of(config, "aws_nat_gateway")) == gateways
    assert len(resources_of(config, "aws_eip")) == gateways
    default_routes = [r for r in resources_of(config, "aws_route").values() if "nat_gateway_id" in r]
    assert len(default_routes) == (az_count if gateways else 0)


def test_single_nat_lives_in_the_first_zone_and_serves_every_private_zone(synth_stack):
    config = synth_stack(build_network(nat="single", az_count=3))
    nat_name = next(iter(resources_of(config, "aws_nat_gateway")))
    assert "NatGatewayA" in nat_name
    routes = [r for r in resources_of(config, "aws_route").values() if "nat_gateway_id" in r]
    assert {r["nat_gateway_id"] for r in routes} == {f"${{aws_nat_gateway.{nat_name}.id}}"}


def test_adding_a_zone_keeps_every_logical_id(synth_stack):
    two = synth_stack(build_network(nat="per_az", az_count=2))
    three = synth_stack(build_network(nat="per_az", az_count=3))
    for resource_type in ("aws_subnet", "aws_nat_gateway", "aws_eip", "aws_route_table"):
        kept = resources_of(two, resource_type)
        grown = resources_of(three, resource_type)
        assert set(kept) < set(grown)
        assert all(grown[name] == body for name, body in kept.items())


def test_subnets_carry_tier_and_load_balancer_tags(synth_stack):
    subnets = resources_of(synth_stack(build_network(az_count=2)), "aws_subnet").values()
    by_tier = {}
    for subnet in subnets:
        by_tier.setdefault(subnet["tags"]["Tier"], []).append(subnet)
    assert {tier: len(found) for tier, found in by_tier.items()} == {"public": 2, "private": 2, "isolated": 2}
    assert all(s["tags"]["kubernetes.io/role/elb"] == "1" for s in by_tier["public"])
    assert all(s["tags"]["kubernetes.io/role/internal-elb"] == "1" for s in by_tier["private"])
    assert all(not any(k.startswith("kubernetes.io") for k in s["tags"]) for s in by_tier["isolated"])
    assert all(s["map_public_ip_on_launch"] is False for s in subnets)


def test_default_security_group_is_adopted_with_no_rules(synth_stack):
    group = only(synth_stack(build_network()), "aws_default_security_group")
    assert "ingress" not in group and "egress" not in group


def test_flow_logs_go_to_an_encrypted_log_group_with_retention(synth_stack):
    config = synth_stack(build_network(flow_log_traffic="ALL"))
    log_group = only(config, "aws_cloudwatch_log_group")
    assert log_group["retention_in_days"] == 30
    assert log_group["kms_key_id"] == LOG_KEY
    flow_log = only(config, "aws_flow_log")
    assert flow_log["traffic_type"] == "ALL"
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    policy = json.loads(only(config, "aws_iam_role_policy")["policy"])
    assert policy["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]


def test_flow_logs_can_be_turned_off(synth_stack):
    config = synth_stack(build_network(flow_log_traffic=None))
    assert not resources_of(config, "aws_flow_log")
    assert not resources_of(config, "aws_cloudwatch_log_group")


def test_s3_gateway_endpoint_serves_private_and_isolated_route_tables(synth_stack):
    config = synth_stack(build_network(az_count=2))
    endpoint = only(config, "aws_vpc_endpoint")
    assert endpoint["vpc_endpoint_type"] == "Gateway"
    assert endpoint["service_name"] == "com.amazonaws.eu-west-1.s3"
    tables = {name for name in resources_of(config, "aws_route_table") if "Public" not in name}
    assert {ref.split(".")[1] for ref in endpoint["route_table_ids"]} == tables


def test_interface_endpoints_are_private_and_reachable_only_from_the_vpc(synth_stack):
    config = synth_stack(build_network(cidr="10.40.0.0/16", interface_endpoints=("ecr.api", "sts")))
    interface = [e for e in resources_of(config, "aws_vpc_endpoint").values() if e["vpc_endpoint_type"] == "Interface"]
    assert sorted(e["service_name"] for e in interface) == ["com.amazonaws.eu-west-1.ecr.api",
                                                            "com.amazonaws.eu-west-1.sts"]
    assert all(e["private_dns_enabled"] is True for e in interface)
    rule = only(config, "aws_vpc_security_group_ingress_rule")
    assert (rule["cidr_ipv4"], rule["from_port"], rule["to_port"]) == ("10.40.0.0/16", 443, 443)


def test_data_subnet_groups_use_the_isolated_subnets(synth_stack):
    config = synth_stack(build_network(az_count=2))
    isolated = {f"${{aws_subnet.{name}.id}}" for name in resources_of(config, "aws_subnet") if "Isolated" in name}
    assert set(only(config, "aws_db_subnet_group")["subnet_ids"]) == isolated
    assert set(only(config, "aws_elasticache_subnet_group")["subnet_ids"]) == isolated


def test_invalid_props_fail_before_any_resource_naming_the_construct(synth_stack):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_network(cidr="10.0.0.0/22"))
    assert raised.value.field == "cidr"
    assert raised.value.path == "test/Network"
    assert "10.0.0.0/22 holds 1024 addresses" in str(raised.value)
