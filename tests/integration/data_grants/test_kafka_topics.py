"""The Kafka part of the grant job against a local Kafka-protocol broker (tests/kafka_broker.py), twice.

The adapter asks for metadata of the planned topics only, creates the missing ones with their partitions and
replication factor, reads them back, and turns every broker refusal into one message (never a traceback).
"""

from __future__ import annotations

import pytest
from kafka_broker import kafka_broker

from platformctl.data_grants import GrantFailed
from platformctl.data_grants.kafka import KafkaTopicAdmin, TopicState, reconcile
from platformctl.data_grants.plan import KafkaTopic


@pytest.fixture(scope="module")
def broker():
    with kafka_broker() as address:
        yield address


@pytest.fixture
def admin(broker):
    connected = KafkaTopicAdmin.connect([broker])
    yield connected
    connected.close()


def test_topics_are_created_with_their_plan_then_left_alone(admin, platform):
    planned = [KafkaTopic(name=name, partitions=topic.partitions,
                          replication_factor=platform.environments["prod"].kafka.topic_replication_factor(name))
               for name, topic in sorted(platform.environments["prod"].kafka.topics.items())]
    assert planned
    names = [topic.name for topic in planned]

    first = reconcile(admin, planned)
    state = admin.describe(names)
    second = reconcile(admin, planned)

    assert first == [f"kafka: topic {topic.name}: created with {topic.partitions} partitions, replication factor "
                     f"{topic.replication_factor}" for topic in planned]
    assert state == {topic.name: TopicState(topic.partitions, topic.replication_factor) for topic in planned}
    assert second == [f"kafka: topic {name}: as planned" for name in names]
    assert admin.describe(names) == state


def test_describing_asks_only_for_the_named_topics_and_creates_none(admin):
    admin.create("other.team.events", 1, 1)
    assert admin.describe(["not.created.yet"]) == {}
    assert admin.describe(["not.created.yet"]) == {}  # a metadata request never auto-creates
    assert set(admin.describe(["other.team.events", "not.created.yet"])) == {"other.team.events"}


def test_a_refusal_of_the_broker_is_one_message(admin):
    admin.create("twice.events", 2, 1)
    already = r"^Kafka: create twice.events refused: \[Error 36\] TopicAlreadyExistsError$"
    with pytest.raises(GrantFailed, match=already):
        admin.create("twice.events", 2, 1)
    # Tansu has no CreatePartitions (MSK has): growing is refused there, which pins how a refusal reads
    with pytest.raises(GrantFailed, match=r"^Kafka: grow twice.events refused: .*CreatePartitionsRequest"):
        admin.add_partitions("twice.events", 4)


def test_an_unreachable_cluster_is_one_message():
    with pytest.raises(GrantFailed, match=r"^Kafka: cannot connect to 127.0.0.1:9 "):
        KafkaTopicAdmin.connect(["127.0.0.1:9"], timeout_ms=2000)
