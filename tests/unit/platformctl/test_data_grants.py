"""``platformctl data-grants``: plans from the configuration, the OpenSearch requests, the Kafka reconciliation.

The PostgreSQL part runs for real in tests/integration/data_grants. No Kafka broker and no OpenSearch domain can
run on this machine: the topic reconciliation is checked against an in-memory admin (a fake, for that reason),
the OpenSearch part against the requests it sends.
"""

from __future__ import annotations

import json

import pytest

from platform_constructs.access.grants_plan import grants_plan
from platformctl.data_grants import kafka, search
from platformctl.main import main


@pytest.fixture()
def plan(platform):
    return grants_plan(platform.environments["prod"], "api", region="eu-west-1",
                       pod_role_arn="arn:aws:iam::333333333333:role/acme-prod-api-pod",
                       endpoints={"postgres": {"host": "db.internal", "master_secret_arn": "arn:secret"},
                                  "search": {"endpoint": "vpc-search.internal",
                                             "master_role_arn": "arn:aws:iam::333333333333:role/acme-prod-search-admin"},
                                  "kafka": {"bootstrap_brokers": "b-1:9098,b-2:9098"}})


def test_the_search_grant_maps_exactly_the_pod_role_to_a_role_on_its_indices(plan):
    (method, role_url, role), (_, mapping_url, mapping) = search.requests(plan["search"])
    assert method == "PUT"
    assert role_url == "https://vpc-search.internal/_plugins/_security/api/roles/acme-prod-api"
    assert mapping_url == "https://vpc-search.internal/_plugins/_security/api/rolesmapping/acme-prod-api"
    assert role["index_permissions"] == [{"index_patterns": ["api-*"], "allowed_actions": [
        "crud", "create_index", "indices:admin/mappings/get", "indices:admin/mapping/put"]}]
    assert mapping == {"backend_roles": ["arn:aws:iam::333333333333:role/acme-prod-api-pod"], "hosts": [], "users": []}


class MemoryAdmin:
    def __init__(self, topics):
        self.topics = dict(topics)
        self.calls = []

    def describe(self, names):
        return {name: self.topics[name] for name in names if name in self.topics}

    def create(self, name, partitions, replication_factor):
        self.calls.append(("create", name))
        self.topics[name] = kafka.TopicState(partitions, replication_factor)

    def add_partitions(self, name, total):
        self.calls.append(("grow", name))
        self.topics[name] = kafka.TopicState(total, self.topics[name].replication_factor)


def test_topics_are_created_then_left_alone(plan):
    admin = MemoryAdmin({})
    first = kafka.reconcile(admin, plan["kafka"]["topics"])
    second = kafka.reconcile(admin, plan["kafka"]["topics"])
    assert first == ["topic api.events: created with 6 partitions, replication factor 3"]
    assert second == ["topic api.events: as planned"]
    assert admin.calls == [("create", "api.events")]


@pytest.mark.parametrize(("state", "outcome"), [
    (kafka.TopicState(2, 3), "grown from 2 to 6 partitions"),
    (kafka.TopicState(12, 3), "has 12 partitions, the plan says 6"),
    (kafka.TopicState(6, 2), "replication factor is 2, the plan says 3"),
])
def test_topics_grow_but_never_shrink_or_change_their_replication(plan, state, outcome):
    admin = MemoryAdmin({"api.events": state})
    try:
        result = "; ".join(kafka.reconcile(admin, plan["kafka"]["topics"]))
    except kafka.TopicRefused as refused:
        result = str(refused)
        assert admin.calls == []
    assert outcome in result


def test_a_dry_run_prints_what_it_would_do(tmp_path, plan, capsys):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    assert main(["data-grants", "apply", "--plan", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "postgres: psql" in out and "--set user=api" in out
    assert "search: PUT https://vpc-search.internal/_plugins/_security/api/rolesmapping/acme-prod-api" in out
    assert "kafka: topic api.events partitions=6 replication_factor=3" in out


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "cannot read a JSON plan"),
    ("{", "cannot read a JSON plan"),
    ('{"version": 7}', "not a grant plan of version 1"),
])
def test_an_unusable_plan_exits_2(tmp_path, capsys, content, fragment):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    assert main(["data-grants", "apply", "--plan", str(path)]) == 2
    assert fragment in capsys.readouterr().err
