"""The OpenSearch part of the grant job against a local HTTPS stand-in of the security API
(tests/search_security_api.py), twice: the role and its mapping to the pod role, signed with SigV4 for service
``es``, verified over TLS."""

from __future__ import annotations

import json

import pytest
from botocore.credentials import Credentials
from search_security_api import security_api

from platform_constructs.access.grants_plan import grants_plan
from platformctl.data_grants import GrantFailed, search
from platformctl.data_grants.plan import SearchGrant, parse_plan

POD_ROLE = "arn:aws:iam::333333333333:role/acme-prod-api-pod"
KEYS = {"access_key": "ASIAEXAMPLEMASTER", "secret_key": "master-secret-for-tests", "session_token": "session-token"}


@pytest.fixture
def domain(tmp_path, monkeypatch):
    with security_api(tmp_path / "tls", region="eu-west-1", **KEYS) as api:
        monkeypatch.setenv("SSL_CERT_FILE", str(api.ca_bundle))  # the only authority urllib trusts here
        yield api


def grant_for(platform, endpoint: str) -> SearchGrant:
    document = grants_plan(platform.environments["prod"], "api", region="eu-west-1", pod_role_arn=POD_ROLE,
                           endpoints={"postgres": {"host": "db", "master_secret_arn": "arn:secret"},
                                      "search": {"endpoint": endpoint, "master_role_arn": "arn:role/search-master"},
                                      "kafka": {"bootstrap_brokers": "b:9098"}})
    plan = parse_plan(json.dumps(document), "plan.json")
    assert plan.search is not None
    return plan.search


def master() -> Credentials:
    return Credentials(KEYS["access_key"], KEYS["secret_key"], KEYS["session_token"])


def test_the_role_and_its_mapping_are_created_then_replaced_with_the_same(platform, domain):
    grant = grant_for(platform, domain.endpoint)

    first = search.apply(grant, region="eu-west-1", credentials=master())
    state = (json.dumps(domain.roles), json.dumps(domain.mappings))
    second = search.apply(grant, region="eu-west-1", credentials=master())

    base = f"https://{domain.endpoint}/_plugins/_security/api"
    assert first == [f"search: PUT {base}/roles/acme-prod-api: HTTP 201 (created)",
                     f"search: PUT {base}/rolesmapping/acme-prod-api: HTTP 201 (created)"]
    assert second == [line.replace("201 (created)", "200 (replaced)") for line in first]
    assert (json.dumps(domain.roles), json.dumps(domain.mappings)) == state  # idempotent
    assert domain.roles == {"acme-prod-api": {
        "cluster_permissions": ["cluster_composite_ops"],
        "index_permissions": [{"index_patterns": ["api-*"], "allowed_actions": [
            "crud", "create_index", "indices:admin/mappings/get", "indices:admin/mapping/put"]}]}}
    assert domain.mappings == {"acme-prod-api": {"backend_roles": [POD_ROLE], "hosts": [], "users": []}}
    assert [status for *_, status in domain.requests] == [201, 201, 200, 200]


def test_a_mapping_replaces_whatever_was_mapped_before(platform, domain):
    domain.roles["acme-prod-api"] = {"cluster_permissions": ["*"], "index_permissions": []}
    domain.mappings["acme-prod-api"] = {"backend_roles": ["arn:aws:iam::333333333333:role/someone-else"],
                                        "hosts": [], "users": ["admin"]}
    search.apply(grant_for(platform, domain.endpoint), region="eu-west-1", credentials=master())
    assert domain.mappings["acme-prod-api"] == {"backend_roles": [POD_ROLE], "hosts": [], "users": []}
    assert domain.roles["acme-prod-api"]["cluster_permissions"] == ["cluster_composite_ops"]


@pytest.mark.parametrize(("credentials", "reason"), [
    (Credentials(KEYS["access_key"], "not-the-secret", KEYS["session_token"]), "signature does not match"),
    (Credentials(KEYS["access_key"], KEYS["secret_key"], None), "missing or wrong session token"),
    (Credentials("ASIASOMEONEELSE", KEYS["secret_key"], KEYS["session_token"]), "unknown access key"),
])
def test_a_refused_request_fails_the_grant_with_the_domain_s_answer(platform, domain, credentials, reason):
    grant = grant_for(platform, domain.endpoint)
    with pytest.raises(GrantFailed, match=f"^OpenSearch PUT https://{domain.endpoint}/.*/roles/acme-prod-api: "
                                          f"HTTP 403 .*{reason}"):
        search.apply(grant, region="eu-west-1", credentials=credentials)
    assert domain.roles == {} and domain.mappings == {}


def test_a_signature_for_another_region_is_refused(platform, domain):
    with pytest.raises(GrantFailed, match=r"HTTP 403 .*wrong scope"):
        search.apply(grant_for(platform, domain.endpoint), region="us-east-1", credentials=master())


def test_an_untrusted_certificate_is_not_accepted(platform, domain, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(GrantFailed, match=r"cannot be reached .*CERTIFICATE_VERIFY_FAILED"):
        search.apply(grant_for(platform, domain.endpoint), region="eu-west-1", credentials=master())
    assert domain.requests == []


def test_an_unreachable_domain_fails_the_grant(platform):
    with pytest.raises(GrantFailed, match=r"^OpenSearch PUT https://127.0.0.1:9/.*: cannot be reached"):
        search.apply(grant_for(platform, "127.0.0.1:9"), region="eu-west-1", credentials=master())
