"""The Kafka part of a grant plan: the application's topics, created with their partitions and replication factor.

Reconciling is idempotent: a missing topic is created, a topic with fewer partitions than planned gets more, one
that matches is left alone. Partitions are never removed and a replication factor is never changed in place
(Kafka cannot remove partitions; a different replication factor needs a reassignment, an operator's decision):
both are reported as refusals, and the job fails so the apply stops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class TopicState:
    """A topic as the cluster has it."""

    partitions: int
    replication_factor: int


class TopicAdmin(Protocol):
    """What reconciling needs of a Kafka admin client (connected with the job's IAM role)."""

    def describe(self, names: Sequence[str]) -> dict[str, TopicState]:
        """The named topics that exist."""
        ...

    def create(self, name: str, partitions: int, replication_factor: int) -> None:
        """Create one topic."""
        ...

    def add_partitions(self, name: str, total: int) -> None:
        """Grow one topic to ``total`` partitions."""
        ...


class TopicRefused(RuntimeError):
    """The cluster's topic differs from the plan in a way reconciling may not change."""


def reconcile(admin: TopicAdmin, topics: Sequence[Mapping[str, Any]]) -> list[str]:
    """Bring the topics to the plan; returns one line per topic saying what was done."""
    existing = admin.describe([topic["name"] for topic in topics])
    done, refused = [], []
    for topic in topics:
        name, partitions, factor = topic["name"], int(topic["partitions"]), int(topic["replication_factor"])
        state = existing.get(name)
        if state is None:
            admin.create(name, partitions, factor)
            done.append(f"topic {name}: created with {partitions} partitions, replication factor {factor}")
        elif state.replication_factor != factor:
            refused.append(f"topic {name}: replication factor is {state.replication_factor}, the plan says {factor}")
        elif state.partitions > partitions:
            refused.append(f"topic {name}: has {state.partitions} partitions, the plan says {partitions} (Kafka "
                           "cannot remove partitions; raise the plan)")
        elif state.partitions < partitions:
            admin.add_partitions(name, partitions)
            done.append(f"topic {name}: grown from {state.partitions} to {partitions} partitions")
        else:
            done.append(f"topic {name}: as planned")
    if refused:
        raise TopicRefused("; ".join(refused))
    return done


class MskAdmin:
    """:class:`TopicAdmin` over ``kafka-python``'s admin client, signing in with the job's IAM role
    (SASL/OAUTHBEARER tokens from ``aws-msk-iam-sasl-signer-python``). Both packages are in the platform tools
    image; no broker can run on the development machine, so this adapter is exercised only in a cluster."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def describe(self, names: Sequence[str]) -> dict[str, TopicState]:  # noqa: D102 - TopicAdmin
        known = set(self._client.list_topics())
        found = self._client.describe_topics([name for name in names if name in known])
        return {topic["topic"]: TopicState(len(topic["partitions"]), len(topic["partitions"][0]["replicas"]))
                for topic in found}

    def create(self, name: str, partitions: int, replication_factor: int) -> None:  # noqa: D102 - TopicAdmin
        from kafka.admin import NewTopic

        self._client.create_topics([NewTopic(name, partitions, replication_factor)])

    def add_partitions(self, name: str, total: int) -> None:  # noqa: D102 - TopicAdmin
        from kafka.admin import NewPartitions

        self._client.create_partitions({name: NewPartitions(total)})


def msk_admin(bootstrap_brokers: str, region: str) -> MskAdmin:
    """An admin client of the MSK cluster at ``bootstrap_brokers`` (the SASL/IAM listener)."""
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider
    from kafka.admin import KafkaAdminClient

    class _Tokens:
        def token(self) -> str:
            return str(MSKAuthTokenProvider.generate_auth_token(region)[0])

    return MskAdmin(KafkaAdminClient(bootstrap_servers=bootstrap_brokers.split(","), security_protocol="SASL_SSL",
                                     sasl_mechanism="OAUTHBEARER", sasl_oauth_token_provider=_Tokens(),
                                     client_id="data-grants"))
