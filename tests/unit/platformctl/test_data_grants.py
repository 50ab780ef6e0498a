"""``platformctl data-grants``: the plan read strictly, the dry run, the OpenSearch requests, the Kafka reconciliation,
the MSK sign-in token and how a failing store ends the command.

The stores themselves are in tests/integration/data_grants: PostgreSQL for real, Kafka against a local
Kafka-protocol broker, OpenSearch against a local HTTPS stand-in of its security API. Here the topic
reconciliation runs against an in-memory admin (its decisions, not the protocol).
"""

from __future__ import annotations

import base64
import json
import urllib.parse

import pytest

from platform_constructs.access.grants_plan import grants_plan
from platformctl.data_grants import GrantFailed, kafka, search
from platformctl.data_grants.plan import GrantPlan, KafkaTopic, PlanInvalid, parse_plan
from platformctl.main import main

POD_ROLE = "arn:aws:iam::333333333333:role/acme-prod-api-pod"
SEARCH_MASTER = "arn:aws:iam::333333333333:role/acme-prod-search-admin"


@pytest.fixture
def plan_document(platform) -> dict:
    return grants_plan(platform.environments["prod"], "api", region="eu-west-1", pod_role_arn=POD_ROLE,
                       endpoints={"postgres": {"host": "db.internal", "master_secret_arn": "arn:secret"},
                                  "search": {"endpoint": "vpc-search.internal",
                                             "master_role_arn": SEARCH_MASTER},
                                  "kafka": {"bootstrap_brokers": "b-1:9098,b-2:9098"}})


@pytest.fixture
def plan(plan_document) -> GrantPlan:
    return parse_plan(json.dumps(plan_document), "plan.json")


def test_every_plan_the_configuration_writes_is_read_back_whole(platform):
    parsed = []
    for env in platform.environments.values():
        for app, workload in sorted(env.apps.items()):
            if not workload.uses.any:
                continue
            document = grants_plan(env, app, region=env.aws.region, pod_role_arn=POD_ROLE, endpoints={
                "postgres": {"host": "db", "master_secret_arn": "arn:secret"},
                "search": {"endpoint": "search", "master_role_arn": SEARCH_MASTER},
                "kafka": {"bootstrap_brokers": "b:9098"}})
            plan = parse_plan(json.dumps(document), f"{env.name}/{app}")
            assert json.loads(plan.model_dump_json(by_alias=True, exclude_none=True)) == _without_none(document)
            parsed.append(plan)
    assert parsed


def _without_none(value):
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    return [_without_none(item) for item in value] if isinstance(value, list) else value


def test_the_search_grant_maps_exactly_the_pod_role_to_a_role_on_its_indices(plan):
    (method, role_url, role), (_, mapping_url, mapping) = search.requests(plan.search)
    assert method == "PUT"
    assert role_url == "https://vpc-search.internal/_plugins/_security/api/roles/acme-prod-api"
    assert mapping_url == "https://vpc-search.internal/_plugins/_security/api/rolesmapping/acme-prod-api"
    assert role["index_permissions"] == [{"index_patterns": ["api-*"], "allowed_actions": [
        "crud", "create_index", "indices:admin/mappings/get", "indices:admin/mapping/put"]}]
    assert mapping == {"backend_roles": [POD_ROLE], "hosts": [], "users": []}


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
    first = kafka.reconcile(admin, plan.kafka.topics)
    second = kafka.reconcile(admin, plan.kafka.topics)
    assert first == ["kafka: topic api.events: created with 6 partitions, replication factor 3"]
    assert second == ["kafka: topic api.events: as planned"]
    assert admin.calls == [("create", "api.events")]


@pytest.mark.parametrize(("state", "outcome", "calls"), [
    (kafka.TopicState(2, 3), "grown from 2 to 6 partitions", [("grow", "api.events")]),
    (kafka.TopicState(12, 3), "has 12 partitions, the plan says 6", []),
    (kafka.TopicState(6, 2), "replication factor is 2, the plan says 3", []),
])
def test_topics_grow_but_never_shrink_or_change_their_replication(plan, state, outcome, calls):
    admin = MemoryAdmin({"api.events": state})
    try:
        result = "; ".join(kafka.reconcile(admin, plan.kafka.topics))
    except kafka.TopicRefused as refused:
        result = str(refused)
    assert outcome in result
    assert admin.calls == calls


def test_a_refused_topic_does_not_stop_the_others():
    admin = MemoryAdmin({"a": kafka.TopicState(9, 1)})
    topics = [KafkaTopic(name="a", partitions=3, replication_factor=1),
              KafkaTopic(name="b", partitions=3, replication_factor=1)]
    with pytest.raises(kafka.TopicRefused, match="topic a: has 9 partitions"):
        kafka.reconcile(admin, topics)
    assert admin.calls == [("create", "b")]


def test_metadata_answers_are_read_by_name_and_replica_nodes():
    """kafka-python 3's describe_topics answer: ``name``, ``error_code``, ``partitions[].replica_nodes``."""
    answer = [
        {"name": "api.events", "error_code": 0, "partitions": [
            {"partition_index": 0, "replica_nodes": [1, 2, 3]}, {"partition_index": 1, "replica_nodes": [2, 3, 1]}]},
        {"name": "missing", "error_code": kafka.UNKNOWN_TOPIC_OR_PARTITION, "partitions": []},
    ]
    assert kafka.topic_states(answer) == {"api.events": kafka.TopicState(partitions=2, replication_factor=3)}
    with pytest.raises(GrantFailed, match=r"topic secret cannot be described \(TopicAuthorizationFailedError\)"):
        kafka.topic_states([{"name": "secret", "error_code": 29, "partitions": []}])


def test_the_msk_sign_in_token_is_a_presigned_kafka_cluster_connect_for_the_region(monkeypatch):
    """The real signer, offline: a token is the base64url of a presigned ``kafka-cluster:Connect`` URL."""
    from kafka.net.sasl.oauth import AbstractTokenProvider

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    security = kafka.msk_security("eu-west-1")
    provider = security.pop("sasl_oauth_token_provider")
    assert security == {"security_protocol": "SASL_SSL", "sasl_mechanism": "OAUTHBEARER"}
    assert isinstance(provider, AbstractTokenProvider)
    token = provider.token()
    url = urllib.parse.urlparse(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
    query = urllib.parse.parse_qs(url.query)
    assert url.netloc == "kafka.eu-west-1.amazonaws.com"
    assert query["Action"] == ["kafka-cluster:Connect"]
    assert query["X-Amz-Credential"][0].startswith("AKIDEXAMPLE/") and "/eu-west-1/kafka-cluster/" in query[
        "X-Amz-Credential"][0]
    assert "example-secret" not in token


def test_a_dry_run_prints_what_it_would_do_and_connects_to_nothing(tmp_path, plan_document, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: any AWS call would fail
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_document))
    assert main(["data-grants", "apply", "--plan", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("grants of application api\n")
    assert "postgres: would run psql" in out and "--set user=api" in out
    assert "search: would PUT https://vpc-search.internal/_plugins/_security/api/rolesmapping/acme-prod-api" in out
    assert "kafka: would ensure topic api.events partitions=6 replication_factor=3" in out


def _edited(document: dict, dotted: str, value: object) -> dict:
    """``document`` with ``dotted`` set to ``value`` (``...`` deletes it)."""
    copy = json.loads(json.dumps(document))
    *parents, last = dotted.split(".")
    target = copy
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return copy


#: (edit of the prod plan of api, fragment of the message)
BAD_PLANS = [
    (("postgres.host", ...), "postgres.host: is required"),
    (("postgres.port", "5432"), "postgres.port = '5432': Input should be a valid integer"),
    (("postgres.port", 70000), "postgres.port = 70000: Input should be less than or equal to 65535"),
    (("postgres.access", "admin"), "postgres.access = 'admin': Input should be 'read-write' or 'read-only'"),
    (("postgres.password", "hunter2"), "postgres.password: unknown field"),
    (("search.indices", []), "search.indices = []: Tuple should have at least 1 item"),
    (("search.role", " api"), "search.role = ' api': String should match pattern"),
    (("kafka.topics", []), "kafka.topics = []: Tuple should have at least 1 item"),
    (("kafka.topics.0.partitions", 0), "kafka.topics.0.partitions = 0: Input should be greater than or equal to 1"),
    (("kafka.topics.0.replication_factor", 2.5), "kafka.topics.0.replication_factor = 2.5"),
    (("application", ...), "application: is required"),
    (("version", 7), "version = 7: not a grant plan of version 1"),
]


@pytest.mark.parametrize(("edit", "fragment"), BAD_PLANS, ids=[edit[0] for edit, _ in BAD_PLANS])
def test_a_bad_plan_exits_2_naming_the_field_before_anything_connects(tmp_path, capsys, plan_document, edit, fragment):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_edited(plan_document, *edit)))
    assert main(["data-grants", "apply", "--plan", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"platformctl data-grants: --plan {path}: " in captured.err
    assert fragment in captured.err, captured.err
    assert captured.out == "" and "Traceback" not in captured.err


def test_every_problem_of_a_plan_is_named_at_once(plan_document):
    document = _edited(_edited(plan_document, "postgres.port", "x"), "kafka.topics.0.partitions", -1)
    with pytest.raises(PlanInvalid) as raised:
        parse_plan(json.dumps(document), "plan.json")
    fields = [problem.split(" ", 1)[0] for problem in raised.value.problems]
    assert fields == ["postgres.port", "kafka.topics.0.partitions"]


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "cannot be read"),
    ("{", "not JSON"),
    ("[1]", "not a grant plan: a JSON list"),
    ('{"version": 7}', "not a grant plan of version 1"),
])
def test_an_unusable_plan_file_exits_2(tmp_path, capsys, content, fragment):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    assert main(["data-grants", "apply", "--plan", str(path)]) == 2
    assert fragment in capsys.readouterr().err


def test_a_store_that_fails_ends_the_command_with_exit_1_after_what_was_done(tmp_path, capsys, plan_document,
                                                                          monkeypatch):
    from platformctl.commands import data_grants as command

    refusal = "OpenSearch PUT https://vpc-search.internal/...: HTTP 403 no permissions"
    done = "postgres: user api: rds_iam, read-write on schema api (owner api)"

    def refuse(plan, session=None):
        yield done
        raise GrantFailed(refusal)

    monkeypatch.setattr(command, "apply_plan", refuse)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_document))
    assert main(["data-grants", "apply", "--plan", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"platformctl data-grants: {refusal}\n"
    # what was done before the refusal is in the job's log
    assert captured.out == f"grants of application api\n{done}\n"
