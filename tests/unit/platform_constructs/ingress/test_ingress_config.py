"""The [ingress], [dns] and [apps.<name>.ingress] configuration: tier presets, the URL from configuration,
the README example, and the props' own rules."""

from __future__ import annotations

import re

import pytest
from envfiles import copy_environments, delete_value
from hypothesis import given, strategies as st
from pydantic import ValidationError
from snippets import section_text

from platform_constructs.config import load_platform
from platform_constructs.config.urls import NoEntryError, app_host, app_url
from platform_constructs.dns.dns_props import DnsProps, domain_problem, is_subdomain
from platform_constructs.ingress.entry_names import LISTENER_PRIORITIES, listener_rule_priority
from platform_constructs.k8s.app_ingress import AppIngress


@pytest.mark.parametrize(("env", "sharing", "internet", "logs", "protected", "waf", "zones"), [
    ("dev", "shared", False, False, False, False, "public"),
    ("staging", "dedicated", True, True, True, True, "both"),
    ("prod", "dedicated", True, True, True, True, "both"),
])
def test_tier_presets(platform, env, sharing, internet, logs, protected, waf, zones):
    settings = platform.environments[env]
    ingress = settings.ingress
    assert (ingress.load_balancer, ingress.internet_facing_allowed) == (sharing, internet)
    assert (ingress.access_logs, ingress.deletion_protection, ingress.waf.enabled) == (logs, protected, waf)
    assert ingress.tls_policy.startswith("ELBSecurityPolicy-TLS13-1-2")
    assert (settings.dns.zones, settings.dns.domain) == (zones, f"{env}.acme.example")


def test_staging_differs_from_prod_only_where_allowed(platform):
    staging, prod = platform.environments["staging"], platform.environments["prod"]
    assert staging.ingress.model_dump(exclude={"access_log_retention_days"}) == prod.ingress.model_dump(
        exclude={"access_log_retention_days"})
    assert staging.ingress.access_log_retention_days < prod.ingress.access_log_retention_days


@pytest.mark.parametrize(("env", "url"), [
    ("dev", "https://api.dev.acme.example/healthz"),
    ("staging", "https://api.staging.acme.example/healthz"),
    ("prod", "https://api.prod.acme.example/healthz"),
])
def test_the_url_comes_from_configuration(platform, env, url):
    assert app_url(platform.environments[env], "api", "/healthz") == url


def test_an_explicit_host_is_the_url(platform):
    env = platform.environments["prod"]
    moved = env.model_copy(update={"apps": {"api": env.apps["api"].model_copy(update={
        "ingress": AppIngress(host="shop.prod.acme.example", visibility="internet-facing")})}})
    assert app_host(moved, "api") == "shop.prod.acme.example"


@pytest.mark.parametrize(("app", "path", "error", "fragment"), [
    ("billing", "", NoEntryError, "prod has no application 'billing' (applications: api)"),
    ("api", "healthz", ValueError, "path 'healthz' must start with '/'"),
])
def test_url_lookups_refuse_what_does_not_exist(platform, app, path, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        app_url(platform.environments["prod"], app, path)


def test_an_application_without_an_entry_has_no_url(platform):
    env = platform.environments["prod"]
    hidden = env.model_copy(update={"apps": {"api": env.apps["api"].model_copy(update={"ingress": None})}})
    with pytest.raises(NoEntryError, match=r"has no HTTPS entry; add \[apps.api.ingress\]"):
        app_host(hidden, "api")


def test_the_readme_example_exposes_an_application(tmp_path, monkeypatch):
    """The section's TOML, added to environment files without an entry, and its Python, run as it is."""
    section = section_text("How a team exposes its application")
    [toml] = re.findall(r"```toml\n(.*?)```", section, re.S)
    [python] = re.findall(r"```python\n(.*?)```", section, re.S)
    environments = copy_environments(tmp_path / "environments")
    for file in ("staging.toml", "prod.toml"):
        delete_value(environments, file, "apps.api.ingress")
        with (environments / file).open("a") as handle:
            handle.write("\n" + toml)
    assert load_platform(environments).environments["prod"].apps["api"].ingress.visibility == "internet-facing"
    monkeypatch.chdir(tmp_path)
    exec(compile(python, "README.md", "exec"), {})  # noqa: S102 - the documented example, asserting its result


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=80))
def test_listener_priorities_are_stable_and_in_range(host):
    assert listener_rule_priority(host) in LISTENER_PRIORITIES
    assert listener_rule_priority(host) == listener_rule_priority(str(host))


@pytest.mark.parametrize(("values", "location", "fragment"), [
    ({"host": "api.dev.acme.example", "sub_name": "api"}, ("host",), "set either host or sub_name"),
    ({"visibility": "public"}, ("visibility",), "'internal' or 'internet-facing'"),
    ({"paths": []}, ("paths",), "at least 1 item"),
    ({"paths": ["/a", "/b", "/c", "/d", "/e"]}, ("paths",), "at most 4 items"),
    ({"paths": ["/api/" + "x" * 130]}, ("paths", 0), "must be an ALB path pattern"),
    ({"health_check_path": "/ready?full=1"}, ("health_check_path",), "must be an absolute URL path"),
    ({"host": "api..acme.example"}, ("host",), "is not a DNS label"),
    ({"sub_name": "-api"}, ("sub_name",), "should match pattern"),
])
def test_malformed_entries_are_refused_at_their_field(values, location, fragment):
    with pytest.raises(ValidationError) as raised:
        AppIngress(**values)
    assert any(error["loc"] == location and fragment in error["msg"] for error in raised.value.errors()), raised.value


@pytest.mark.parametrize(("name", "problem"), [
    ("acme.example", None),
    ("prod.acme.example", None),
    ("example", "at least two labels"),
    ("Acme.example", "label 'Acme' is not a DNS label"),
    ("a" * 64 + ".example", "is not a DNS label"),
    (".".join(["a" * 60] * 5), "DNS names stop at 253"),
])
def test_domain_names(name, problem):
    found = domain_problem(name)
    assert (found is None) if problem is None else (problem in found)


def test_subdomains_lie_strictly_below():
    assert is_subdomain("api.prod.acme.example", "acme.example")
    assert not is_subdomain("acme.example", "acme.example")
    assert not is_subdomain("notacme.example", "acme.example")


@pytest.mark.parametrize(("zones", "public", "private"), [("public", True, False), ("private", False, True),
                                                          ("both", True, True)])
def test_zone_kinds(zones, public, private):
    props = DnsProps(domain="dev.acme.example", zones=zones)
    assert (props.has_public_zone, props.has_private_zone) == (public, private)
