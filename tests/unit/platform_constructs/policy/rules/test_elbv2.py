"""Rules for Application Load Balancers and listeners, and the public-ingress exception for their ports."""

import pytest
from policy_cases import BAD, NA, OK, assert_case, assert_covers, case_ids

from platform_constructs.ingress.markers import EXPOSURE_TAG, INTERNET_FACING_LISTENER, WEB_ACL_TAG
from platform_constructs.policy.rules import elbv2
from platform_constructs.policy.rules.elbv2 import (
    access_logs,
    deletion_protection,
    drop_invalid_headers,
    https_only,
    tls_policy,
    waf_on_internet_facing,
)
from platform_constructs.policy.rules.vpc import no_public_ingress

TLS, HTTPS, HEADERS = tls_policy.RULE, https_only.RULE, drop_invalid_headers.RULE
LOGS, PROTECTED, WAF = access_logs.RULE, deletion_protection.RULE, waf_on_internet_facing.RULE
INGRESS = no_public_ingress.RULE
REDIRECT = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}]
LISTENER_RULE = {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 443, "to_port": 443,
                 "tags": {EXPOSURE_TAG: INTERNET_FACING_LISTENER}}

CASES = [
    (TLS, "aws_lb_listener", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}, OK),
    (TLS, "aws_lb_listener", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}, OK),
    (TLS, "aws_lb_listener", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-2016-08"}, BAD,
     "ssl_policy is 'ELBSecurityPolicy-2016-08', must be one of"),
    (TLS, "aws_lb_listener", {"protocol": "HTTPS"}, BAD, "ssl_policy is not set"),
    (TLS, "aws_lb_listener", {"protocol": "HTTP", "default_action": REDIRECT}, NA),
    (HTTPS, "aws_lb_listener", {"protocol": "HTTPS", "ssl_policy": "x"}, OK),
    (HTTPS, "aws_alb_listener", {"protocol": "HTTP", "default_action": REDIRECT}, OK),
    (HTTPS, "aws_lb_listener", {"protocol": "HTTP", "default_action": [{"type": "forward", "target_group_arn": "t"}]},
     BAD, "does not only redirect to HTTPS"),
    (HTTPS, "aws_lb_listener", {"protocol": "HTTP", "default_action": [
        {"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080"}}]}, BAD, "protocol is 'HTTP'"),
    (HTTPS, "aws_lb_listener", {"protocol": "HTTP"}, BAD, "does not only redirect"),
    (HTTPS, "aws_lb", {}, NA),
    (HEADERS, "aws_lb", {"load_balancer_type": "application", "drop_invalid_header_fields": True}, OK),
    (HEADERS, "aws_lb", {}, BAD, "drop_invalid_header_fields is not set, must be true"),
    (HEADERS, "aws_lb", {"load_balancer_type": "network"}, NA),
    (LOGS, "aws_lb", {"access_logs": {"bucket": "b", "enabled": True}}, OK),
    (LOGS, "aws_lb", {"access_logs": [{"bucket": "b", "enabled": False}]}, BAD, "access_logs.enabled is false"),
    (LOGS, "aws_lb", {}, BAD, "access_logs.enabled is not set"),
    (LOGS, "aws_lb_listener", {}, NA),
    (PROTECTED, "aws_lb", {"enable_deletion_protection": True}, OK),
    (PROTECTED, "aws_alb", {"enable_deletion_protection": False}, BAD, "enable_deletion_protection is false"),
    (PROTECTED, "aws_lb_target_group", {}, NA),
    (WAF, "aws_lb", {"internal": False, "tags": {WEB_ACL_TAG: "acme-prod-entries"}}, OK),
    (WAF, "aws_lb", {"internal": False}, BAD, "internet-facing without a web ACL"),
    (WAF, "aws_lb", {}, BAD, "internet-facing without a web ACL"),  # internal defaults to false
    (WAF, "aws_lb", {"internal": True}, NA),
    (WAF, "aws_lb", {"internal": "true"}, NA),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_rule(case):
    assert_case(*case)


def test_every_rule_has_compliant_non_compliant_and_not_applicable_cases():
    assert_covers(elbv2, CASES)


PUBLIC_INGRESS = [
    (LISTENER_RULE, OK),
    ({**LISTENER_RULE, "from_port": 80, "to_port": 80}, OK),
    ({**LISTENER_RULE, "from_port": 22, "to_port": 22}, BAD),           # only the listener ports
    ({**LISTENER_RULE, "from_port": 80, "to_port": 443}, BAD),          # one port, not a range
    ({**LISTENER_RULE, "ip_protocol": "-1"}, BAD),                      # TCP only
    ({**LISTENER_RULE, "tags": {}}, BAD),                               # not marked by HttpsLoadBalancer
    ({**LISTENER_RULE, "tags": {EXPOSURE_TAG: "anything"}}, BAD),
]


@pytest.mark.parametrize(("props", "expected"), PUBLIC_INGRESS)
def test_only_internet_facing_listener_ports_may_be_open_to_anywhere(props, expected):
    assert_case(INGRESS, "aws_vpc_security_group_ingress_rule", props, expected, "open to 0.0.0.0/0")


def test_the_marker_does_not_excuse_a_whole_security_group():
    assert_case(INGRESS, "aws_security_group", {"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 443,
                                                             "to_port": 443}],
                                                "tags": {EXPOSURE_TAG: INTERNET_FACING_LISTENER}}, BAD, "0.0.0.0/0")
