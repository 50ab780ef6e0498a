"""The Kafka part of a grant plan: the application's topics, created with their partitions and replication factor.

Reconciling is idempotent: a missing topic is created, a topic with fewer partitions than planned gets more, one
that matches is left alone. Partitions are never removed and a replication factor is never changed in place
(Kafka cannot remove partitions; a different replication factor needs a reassignment, an operator's decision):
both are reported as refusals, and the job fails so the apply stops.

The admin adapter (:class:`KafkaTopicAdmin`) speaks the Kafka protocol through ``kafka-python``'s admin client;
against MSK it signs in with the job's IAM role (SASL/OAUTHBEARER, tokens from
``aws-msk-iam-sasl-signer-python``, :func:`msk_admin`). It asks for metadata of the planned topics only (never
every topic: the job's role may describe only the application's topics) and never lets a metadata request
create a topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from platformctl.data_grants import GrantFailed
from platformctl.data_grants.plan import KafkaTopic

#: The Kafka error code of a topic the cluster does not have.
UNKNOWN_TOPIC_OR_PARTITION = 3
#: Milliseconds one admin request may take; the job's deadline bounds the whole run.
REQUEST_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class TopicState:
    """A topic as the cluster has it."""

    partitions: int
    replication_factor: int


class TopicAdmin(Protocol):
    """What reconciling needs of a Kafka admin client."""

    def describe(self, names: Sequence[str]) -> dict[str, TopicState]:
        """The named topics that exist."""
        ...

    def create(self, name: str, partitions: int, replication_factor: int) -> None:
        """Create one topic."""
        ...

    def add_partitions(self, name: str, total: int) -> None:
        """Grow one topic to ``total`` partitions."""
        ...


class TopicRefused(GrantFailed):
    """The cluster's topic differs from the plan in a way reconciling may not change."""


def reconcile(admin: TopicAdmin, topics: Sequence[KafkaTopic]) -> list[str]:
    """Bring the topics to the plan; returns one line per topic saying what was done.

    Raises:
        TopicRefused: a topic has more partitions or another replication factor than planned (the others were
            reconciled).
        GrantFailed: the cluster refused a request.
    """
    existing = admin.describe([topic.name for topic in topics])
    done, refused = [], []
    for topic in topics:
        name, partitions, factor = topic.name, topic.partitions, topic.replication_factor
        state = existing.get(name)
        if state is None:
            admin.create(name, partitions, factor)
            done.append(f"kafka: topic {name}: created with {partitions} partitions, replication factor {factor}")
        elif state.replication_factor != factor:
            refused.append(f"topic {name}: replication factor is {state.replication_factor}, the plan says {factor}")
        elif state.partitions > partitions:
            refused.append(f"topic {name}: has {state.partitions} partitions, the plan says {partitions} (Kafka "
                           "cannot remove partitions; raise the plan)")
        elif state.partitions < partitions:
            admin.add_partitions(name, partitions)
            done.append(f"kafka: topic {name}: grown from {state.partitions} to {partitions} partitions")
        else:
            done.append(f"kafka: topic {name}: as planned")
    if refused:
        raise TopicRefused("Kafka: " + "; ".join(refused))
    return done


def topic_states(metadata_topics: Sequence[dict[str, Any]]) -> dict[str, TopicState]:
    """The existing topics in a metadata answer (``KafkaAdminClient.describe_topics``: ``name``, ``error_code``,
    ``partitions`` with ``replica_nodes``); an unknown topic is absent.

    Raises:
        GrantFailed: the cluster refused to describe a topic (e.g. not authorized).
    """
    from kafka.errors import for_code

    states = {}
    for topic in metadata_topics:
        code = topic["error_code"]
        if code == UNKNOWN_TOPIC_OR_PARTITION:
            continue
        if code != 0:
            raise GrantFailed(f"Kafka: topic {topic['name']} cannot be described ({for_code(code).__name__})")
        partitions = topic["partitions"]
        replicas = max((len(partition["replica_nodes"]) for partition in partitions), default=0)
        states[topic["name"]] = TopicState(partitions=len(partitions), replication_factor=replicas)
    return states


class KafkaTopicAdmin:
    """:class:`TopicAdmin` over ``kafka-python``'s ``KafkaAdminClient``; Kafka errors become :class:`GrantFailed`."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @classmethod
    def connect(cls, brokers: Sequence[str], *, timeout_ms: int = REQUEST_TIMEOUT_MS,
                **security: Any) -> KafkaTopicAdmin:
        """Connect to ``brokers`` with the client settings ``security`` (none: plaintext, a local broker); a
        connection or request taking longer than ``timeout_ms`` fails."""
        from kafka.admin import KafkaAdminClient
        from kafka.errors import KafkaError

        try:
            return cls(KafkaAdminClient(bootstrap_servers=list(brokers), client_id="data-grants",
                                        request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms,
                                        **security))
        except KafkaError as error:
            raise GrantFailed(f"Kafka: cannot connect to {','.join(brokers)} ({_short(error)})") from None

    def describe(self, names: Sequence[str]) -> dict[str, TopicState]:
        if not names:
            return {}  # an empty list would describe nothing, None every topic: ask for neither
        return topic_states(self._call("describe", names, lambda: self._client.describe_topics(list(names))))

    def create(self, name: str, partitions: int, replication_factor: int) -> None:
        self._call("create", [name], lambda: self._client.create_topics(
            {name: {"num_partitions": partitions, "replication_factor": replication_factor}}))

    def add_partitions(self, name: str, total: int) -> None:
        self._call("grow", [name], lambda: self._client.create_partitions({name: total}))

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    @staticmethod
    def _call(what: str, names: Sequence[str], request: Any) -> Any:
        from kafka.errors import KafkaError

        try:
            return request()
        except KafkaError as error:
            raise GrantFailed(f"Kafka: {what} {', '.join(names)} refused: {_short(error)}") from None


def _short(error: Exception) -> str:
    """The error's class and its first words (kafka-python appends the whole request and response)."""
    text = str(error).split(": Request '", 1)[0]
    return text if len(text) <= 200 else text[:199] + "…"


def msk_security(region: str) -> dict[str, Any]:
    """Client settings for MSK's IAM listener: TLS, SASL/OAUTHBEARER with tokens signed by the job's role."""
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider
    from kafka.net.sasl.oauth import AbstractTokenProvider

    class MskTokens(AbstractTokenProvider):  # type: ignore[misc]  # untyped base; kafka-python accepts only subclasses
        def token(self) -> str:
            return str(MSKAuthTokenProvider.generate_auth_token(region)[0])

    return {"security_protocol": "SASL_SSL", "sasl_mechanism": "OAUTHBEARER", "sasl_oauth_token_provider": MskTokens()}


def msk_admin(brokers: Sequence[str], region: str) -> KafkaTopicAdmin:
    """An admin client of the MSK cluster at ``brokers`` (the SASL/IAM listener)."""
    return KafkaTopicAdmin.connect(brokers, **msk_security(region))
