"""SearchDomain construct: synthesized resources per props, tier defaults and wiring."""

from __future__ import annotations

import json

import pytest
from tfjson import only, reference, resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.search.search_props import SearchProps

LOG_KEY = "arn:aws:kms:eu-west-1:111111111111:key/logs"
SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
MASTER_ROLE = "arn:aws:iam::111111111111:role/search-admins"
SINGLE_NODE = {"instance_type": "t3.small.search", "instance_count": 1, "dedicated_master_enabled": False,
               "zone_awareness": False, "volume_size_gib": 10}


def build_search(props: SearchProps | None = None, *, subnets=SUBNETS, own_key=False, wire_from=None):
    def build(stack):
        from platform_constructs.search.opensearch import SearchDomain
        from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

        key = KmsKey(stack, "SharedKey", props=KmsKeyProps(alias="shared", description="shared")) if own_key else None
        search = SearchDomain(stack, "Search", props=props or SearchProps(), vpc_id="vpc-1", subnet_ids=subnets,
                              naming=Naming("acme", "test"), logs=LogSettings(retention_days=30, kms_key_arn=LOG_KEY),
                              kms_key=key)
        for source in wire_from or ():
            search.allow_from(source(stack))
    return build


def _account_root():
    return ("arn:${data.aws_partition.Partition.partition}:iam::"
            "${data.aws_caller_identity.CallerIdentity.account_id}:root")


def test_domain_is_encrypted_https_only_and_vpc_only(synth_stack):
    config = synth_stack(build_search())
    domain = only(config, "aws_opensearch_domain")
    assert domain["domain_name"] == "acme-test-search"
    assert domain["encrypt_at_rest"] == {"enabled": True, "kms_key_id": reference(config, "aws_kms_key", "arn")}
    assert domain["node_to_node_encryption"] == {"enabled": True}
    assert domain["domain_endpoint_options"] == {"enforce_https": True,
                                                 "tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10"}
    assert domain["vpc_options"] == {"subnet_ids": SUBNETS,
                                     "security_group_ids": [reference(config, "aws_security_group", "id")]}
    assert domain["ebs_options"] == {"ebs_enabled": True, "volume_type": "gp3", "volume_size": 100}
    assert only(config, "aws_kms_key")["enable_key_rotation"] is True
    assert only(config, "aws_kms_alias")["name"] == "alias/acme-test-search"


def test_a_given_key_is_used_and_no_other_key_is_created(synth_stack):
    config = synth_stack(build_search(own_key=True))
    [name] = resources_of(config, "aws_kms_key")
    assert "SharedKey" in name
    assert only(config, "aws_opensearch_domain")["encrypt_at_rest"]["kms_key_id"] == f"${{aws_kms_key.{name}.arn}}"


def test_fine_grained_access_control_has_an_iam_master_role_and_no_anonymous_access(synth_stack):
    config = synth_stack(build_search())
    security = only(config, "aws_opensearch_domain")["advanced_security_options"]
    assert security == {"enabled": True, "anonymous_auth_enabled": False, "internal_user_database_enabled": False,
                        "master_user_options": {"master_user_arn": reference(config, "aws_iam_role", "arn")}}
    role = only(config, "aws_iam_role")
    assert role["name"] == "acme-test-search-admin"
    assert json.loads(role["assume_role_policy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"AWS": _account_root()}, "Action": "sts:AssumeRole"}]


def test_a_given_master_role_is_used_and_none_is_created(synth_stack):
    config = synth_stack(build_search(SearchProps(master_role_arn=MASTER_ROLE)))
    assert not resources_of(config, "aws_iam_role")
    assert only(config, "aws_opensearch_domain")["advanced_security_options"]["master_user_options"] == {
        "master_user_arn": MASTER_ROLE}


def test_access_policy_is_scoped_to_the_domain_and_the_account(synth_stack):
    config = synth_stack(build_search())
    policy = only(config, "aws_opensearch_domain_policy")
    assert policy["domain_name"] == reference(config, "aws_opensearch_domain", "domain_name")
    assert json.loads(policy["access_policies"])["Statement"] == [{
        "Effect": "Allow", "Principal": {"AWS": _account_root()}, "Action": "es:ESHttp*",
        "Resource": reference(config, "aws_opensearch_domain", "arn").replace("}", "}/*", 1),
    }]
    assert "access_policies" not in only(config, "aws_opensearch_domain")


@pytest.mark.parametrize(("props", "subnets", "zone_config"), [
    (SearchProps(), SUBNETS, {"zone_awareness_enabled": True, "zone_awareness_config": {"availability_zone_count": 3}}),
    (SearchProps(availability_zone_count=2, instance_count=2), SUBNETS[:2],
     {"zone_awareness_enabled": True, "zone_awareness_config": {"availability_zone_count": 2}}),
    (SearchProps(**SINGLE_NODE), SUBNETS[:1], {"zone_awareness_enabled": False}),
])
def test_nodes_use_one_subnet_per_zone_in_use_starting_with_the_first(synth_stack, props, subnets, zone_config):
    domain = only(synth_stack(build_search(props)), "aws_opensearch_domain")
    assert domain["vpc_options"]["subnet_ids"] == subnets
    cluster = domain["cluster_config"]
    assert {key: cluster[key] for key in zone_config} == zone_config
    assert ("zone_awareness_config" in cluster) is props.zone_awareness


@pytest.mark.parametrize(("props", "masters"), [
    (SearchProps(), {"dedicated_master_enabled": True, "dedicated_master_type": "m6g.large.search",
                     "dedicated_master_count": 3}),
    (SearchProps(dedicated_master_count=5, dedicated_master_type="c6g.large.search"),
     {"dedicated_master_enabled": True, "dedicated_master_type": "c6g.large.search", "dedicated_master_count": 5}),
    (SearchProps(**SINGLE_NODE), {"dedicated_master_enabled": False}),
])
def test_dedicated_masters_follow_the_props(synth_stack, props, masters):
    cluster = only(synth_stack(build_search(props)), "aws_opensearch_domain")["cluster_config"]
    assert {key: value for key, value in cluster.items() if key.startswith("dedicated_master")} == masters


@pytest.mark.parametrize(("audit", "log_types"), [
    (True, {"INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"}),
    (False, {"INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS"}),
])
def test_logs_are_published_to_encrypted_groups_the_service_may_write_for_this_domain_only(synth_stack, audit,
                                                                                         log_types):
    config = synth_stack(build_search(SearchProps(audit_logs=audit)))
    groups = resources_of(config, "aws_cloudwatch_log_group")
    assert len(groups) == len(log_types)
    assert all(g["retention_in_days"] == 30 and g["kms_key_id"] == LOG_KEY for g in groups.values())
    assert all(g["name"].startswith("/aws/opensearch/acme-test-search/") for g in groups.values())
    domain = only(config, "aws_opensearch_domain")
    published = {option["log_type"]: option for option in domain["log_publishing_options"]}
    assert set(published) == log_types
    assert all(option["enabled"] is True for option in published.values())
    group_arns = {f"${{aws_cloudwatch_log_group.{name}.arn}}" for name in groups}
    assert {option["cloudwatch_log_group_arn"] for option in published.values()} == group_arns

    log_policy = only(config, "aws_cloudwatch_log_resource_policy")
    [statement] = json.loads(log_policy["policy_document"])["Statement"]
    assert statement["Principal"] == {"Service": "es.amazonaws.com"}
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert set(statement["Resource"]) == {f"{arn}:*" for arn in group_arns}
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"].endswith(":domain/acme-test-search")
    [policy_name] = resources_of(config, "aws_cloudwatch_log_resource_policy")
    assert domain["depends_on"] == [f"aws_cloudwatch_log_resource_policy.{policy_name}"]


@pytest.mark.parametrize(("start", "hours", "minutes"), [("22:00", 22, 0), ("07:30", 7, 30)])
def test_updates_run_in_the_off_peak_window(synth_stack, start, hours, minutes):
    domain = only(synth_stack(build_search(SearchProps(off_peak_window_start=start))), "aws_opensearch_domain")
    assert domain["off_peak_window_options"] == {
        "enabled": True, "off_peak_window": {"window_start_time": {"hours": hours, "minutes": minutes}}}
    assert domain["software_update_options"] == {"auto_software_update_enabled": True}


@pytest.mark.parametrize("protected", [True, False])
def test_deletion_protection_becomes_prevent_destroy(synth_stack, protected):
    domain = only(synth_stack(build_search(SearchProps(deletion_protection=protected))), "aws_opensearch_domain")
    assert domain["lifecycle"] == {"prevent_destroy": protected}


def test_allow_from_opens_https_to_exactly_one_security_group(synth_stack):
    def workers(stack):
        from platform_constructs._internal.tf import Construct, aws

        peer = Construct(stack, "Workers")
        peer.security_group_id = aws.security_group.SecurityGroup(peer, "Group", name="workers").id
        return peer

    config = synth_stack(build_search(wire_from=[workers]))
    rule = only(config, "aws_vpc_security_group_ingress_rule")
    assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 443, 443)
    assert rule["security_group_id"] == reference(config, "aws_security_group", "id", contains="Search")
    assert rule["referenced_security_group_id"] == reference(config, "aws_security_group", "id", contains="Workers")


def test_invalid_props_fail_before_any_resource_naming_the_construct(synth_stack):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_search(SearchProps(), subnets=SUBNETS[:2]))
    assert (raised.value.field, raised.value.code, raised.value.path) == (
        "availability_zone_count", "search.zone-count", "test/Search")
    assert "needs 3 zone(s) but 2 are available (subnet_ids)" in str(raised.value)


# tier defaults, read from the repository's full synth
@pytest.mark.parametrize(("stack", "nodes", "instance_type", "masters", "zones", "audit", "protected"), [
    ("dev", 1, "t3.small.search", False, 1, False, False),
    ("staging", 3, "r6g.large.search", True, 3, True, True),
    ("prod", 3, "r6g.large.search", True, 3, True, True),
])
def test_tier_defaults(stack_json, stack, nodes, instance_type, masters, zones, audit, protected):
    domain = only(stack_json(stack), "aws_opensearch_domain")
    cluster = domain["cluster_config"]
    assert (cluster["instance_count"], cluster["instance_type"]) == (nodes, instance_type)
    assert cluster["dedicated_master_enabled"] is masters
    assert cluster.get("dedicated_master_count") == (3 if masters else None)
    assert cluster["zone_awareness_enabled"] is (zones > 1)
    assert len(domain["vpc_options"]["subnet_ids"]) == zones
    assert all("Isolated" in subnet for subnet in domain["vpc_options"]["subnet_ids"])
    assert any(o["log_type"] == "AUDIT_LOGS" for o in domain["log_publishing_options"]) is audit
    assert domain["lifecycle"]["prevent_destroy"] is protected


def test_platform_stack_outputs_what_other_teams_need(stack_json):
    outputs = stack_json("prod")["output"]
    assert outputs["search_domain_name"]["value"] == "acme-prod-search"
    for name in ("arn", "endpoint", "dashboard_endpoint", "security_group_id", "master_role_arn"):
        assert outputs[f"search_{name}"]["value"].startswith("${aws_")


def test_platform_stack_lets_only_the_eks_cluster_reach_the_domain(stack_json):
    config = stack_json("prod")
    search_group = next(f"${{aws_security_group.{name}.id}}" for name in resources_of(config, "aws_security_group")
                        if name.startswith("Search_"))
    [rule] = [r for r in resources_of(config, "aws_vpc_security_group_ingress_rule").values()
              if r["security_group_id"] == search_group]
    assert (rule["from_port"], rule["to_port"]) == (443, 443)
    assert rule["referenced_security_group_id"].startswith("${aws_eks_cluster.")
