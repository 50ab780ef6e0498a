"""SearchProps: field validation, the rules against zones, and the domain-name rule of the configuration."""

from __future__ import annotations

import pytest
from envfiles import copy_environments, set_value
from pydantic import ValidationError

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError
from platform_constructs.search.search_props import SearchProps

# (props overrides, expected field path, expected fragment of the message)
BAD_FIELDS = [
    ({"instance_type": "t2.small.search"}, "instance_type", "current family with EBS storage"),
    ({"instance_type": "i3.large.search"}, "instance_type", "current family with EBS storage"),
    ({"instance_type": "r6g.large"}, "instance_type", "current family with EBS storage"),
    ({"dedicated_master_type": "t3.micro.search"}, "dedicated_master_type", "current family with EBS storage"),
    ({"dedicated_master_count": 2}, "dedicated_master_count", "Input should be 3 or 5"),
    ({"availability_zone_count": 4}, "availability_zone_count", "Input should be 2 or 3"),
    ({"instance_count": 0}, "instance_count", "greater than or equal to 1"),
    ({"volume_size_gib": 5}, "volume_size_gib", "greater than or equal to 10"),
    ({"tls_security_policy": "Policy-Min-TLS-1-0-2019-07"}, "tls_security_policy",
     "'Policy-Min-TLS-1-2-PFS-2023-10' or 'Policy-Min-TLS-1-2-2019-07'"),
    ({"engine_version": "Elasticsearch_7.10"}, "engine_version", "should match pattern"),
    ({"master_role_arn": "arn:aws:iam::123456789012:user/admin"}, "master_role_arn", "should match pattern"),
    ({"off_peak_window_start": "24:00"}, "off_peak_window_start", "HH:MM"),
    ({"off_peak_window_start": "7:00"}, "off_peak_window_start", "HH:MM"),
    ({"zone_awareness": 1}, "zone_awareness", "valid boolean"),
    ({"anonymous_auth": True}, "anonymous_auth", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("overrides", "field", "fragment"), BAD_FIELDS, ids=[case[1] + "-" + str(i)
                                                                              for i, case in enumerate(BAD_FIELDS)])
def test_bad_field_is_refused_naming_it(overrides, field, fragment):
    with pytest.raises(ValidationError) as raised:
        SearchProps(**overrides)
    [error] = raised.value.errors()
    assert error["loc"] == (field,)
    assert fragment in error["msg"]


# (props overrides, zones, expected field, expected code, expected fragment)
BAD_COMBINATIONS = [
    ({"availability_zone_count": 3}, 2, "availability_zone_count", "search.zone-count",
     "needs 3 zone(s) but 2 are available (subnet_ids)"),
    ({"instance_count": 4}, 3, "instance_count", "search.instance-count", "use a multiple of 3"),
    ({"instance_count": 3, "availability_zone_count": 2}, 3, "instance_count", "search.instance-count",
     "3 data nodes cannot be spread evenly over 2 zones"),
    ({"instance_type": "t3.small.search", "volume_size_gib": 101}, 3, "volume_size_gib", "search.volume-size",
     "101 GiB is more than t3.small.search holds (at most 100 GiB)"),
    ({"instance_type": "t3.medium.search", "volume_size_gib": 300}, 3, "volume_size_gib", "search.volume-size",
     "300 GiB is more than t3.medium.search holds"),
    ({"zone_awareness": False, "instance_count": 1}, 0, "subnet_ids", "search.zone-count", "needs 1 zone(s)"),
]


@pytest.mark.parametrize(("overrides", "zones", "field", "code", "fragment"), BAD_COMBINATIONS,
                         ids=[f"{case[3]}-{i}" for i, case in enumerate(BAD_COMBINATIONS)])
def test_bad_combination_is_reported_naming_the_field(overrides, zones, field, code, fragment):
    problems = SearchProps(**overrides).problems(zones, zones_field="subnet_ids")
    assert [(p.field, p.code) for p in problems] == [(field, code)]
    assert fragment in problems[0].message


@pytest.mark.parametrize(("overrides", "zones_used"), [
    ({}, 3),
    ({"availability_zone_count": 2, "instance_count": 4}, 2),
    ({"zone_awareness": False, "instance_count": 2}, 1),
])
def test_valid_topologies_pass_and_use_their_zones(overrides, zones_used):
    props = SearchProps(**overrides)
    assert props.problems(3, zones_field="subnet_ids") == []
    assert props.zones_used == zones_used


def test_a_domain_name_longer_than_opensearch_allows_is_refused_naming_the_environment(tmp_path):
    directory = copy_environments(tmp_path)
    (directory / "integration1.toml").write_text((directory / "dev.toml").read_text())
    set_value(directory, "integration1.toml", "name", "integration1")
    set_value(directory, "integration1.toml", "naming.prefix", "acmeplatfo")
    set_value(directory, "integration1.toml", "network.cidr", "10.90.0.0/16")
    set_value(directory, "integration1.toml", "state.key_prefix", "platform/integration1")
    set_value(directory, "integration1.toml", "aws.account_id", "666666666666")  # one account per environment
    set_value(directory, "accounts.toml", "accounts.666666666666", {"environment": "integration1", "tier": "dev"})
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    [problem] = raised.value.problems
    assert (problem.file.rsplit("/", 1)[1], problem.field, problem.value) == \
        ("integration1.toml", "name", "integration1")
    assert "'acmeplatfo-integration1-search' is 30 characters; AWS allows 28" in problem.message
