"""Emulator adjustments for Amazon MSK: cluster lifecycle and ARNs, configurations, bootstrap brokers.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any
from urllib.parse import unquote

from local_aws.adjustments import adjustment, error_class

NotFoundException = error_class("NotFoundException")
ConflictException = error_class("ConflictException")
BadRequestException = error_class("BadRequestException")

#: Broker ports per client authentication, as MSK documents them.
_BROKER_PORTS = {"BootstrapBrokerStringTls": 9094, "BootstrapBrokerStringSaslScram": 9096,
                 "BootstrapBrokerStringSaslIam": 9098, "BootstrapBrokerString": 9092}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def _configurations(backend: Any) -> dict[str, dict[str, Any]]:
    if not hasattr(backend, "_local_aws_configurations"):
        backend._local_aws_configurations = {}
    store: dict[str, dict[str, Any]] = backend._local_aws_configurations
    return store


def _path_arn(response: Any, marker: str) -> str:
    """The ARN after ``marker`` in the request path, without a trailing sub-resource."""
    arn = unquote(response.parsed_url.path).split(marker, 1)[1]
    for suffix in ("/bootstrap-brokers", "/nodes"):
        arn = arn.removesuffix(suffix)
    return arn.split("/revisions")[0]


@adjustment(
    "kafka-cluster-lifecycle",
    "A new MSK cluster reports CREATING in the create response and ACTIVE once described; a "
    "cluster that does not exist (or no longer does) answers NotFoundException (moto leaves "
    "clusters CREATING forever and fails with HTTP 500 on unknown ARNs, so the provider's create "
    "and delete waiters never return).",
)
def _cluster_lifecycle() -> None:
    from moto.kafka.models import KafkaBackend

    def activate(self: KafkaBackend) -> None:
        for cluster in self.clusters.values():
            if cluster.state == "CREATING":
                cluster.state = "ACTIVE"

    for name in ("list_clusters", "list_clusters_v2"):
        original = getattr(KafkaBackend, name)

        def listed(self: KafkaBackend, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            activate(self)
            return __original(self, *args, **kwargs)

        setattr(KafkaBackend, name, listed)

    for name in ("describe_cluster", "describe_cluster_v2", "delete_cluster"):
        original = getattr(KafkaBackend, name)

        def by_arn(self: KafkaBackend, cluster_arn: str, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            if cluster_arn not in self.clusters:
                raise NotFoundException(f"Cluster {cluster_arn} not found.")
            activate(self)
            return __original(self, cluster_arn, *args, **kwargs)

        setattr(KafkaBackend, name, by_arn)


@adjustment(
    "kafka-cluster-arn",
    "A cluster's ARN names the cluster, then its UUID (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>), "
    "as MSK's ARNs do and as IAM's topic and group ARNs repeat them (moto's ARN ends in the UUID alone, so the "
    "provider's cluster_uuid, which it reads from the ARN, is empty).",
)
def _cluster_arn() -> None:
    from moto.kafka.models import FakeKafkaCluster

    original = FakeKafkaCluster._generate_arn

    def generate_arn(self: FakeKafkaCluster) -> str:
        prefix, _, resource = original(self).rpartition(":")  # resource: "cluster/<uuid>"
        kind, _, cluster_uuid = resource.partition("/")
        return f"{prefix}:{kind}/{self.cluster_name}/{cluster_uuid}"

    FakeKafkaCluster._generate_arn = generate_arn


@adjustment(
    "kafka-bootstrap-brokers",
    "GetBootstrapBrokers answers with one endpoint per broker for each client authentication "
    "the cluster enables (TLS, SASL/SCRAM, SASL/IAM, plaintext), on MSK's ports.",
)
def _bootstrap_brokers() -> None:
    import moto.kafka.urls
    from moto.kafka.responses import KafkaResponse

    def get_bootstrap_brokers(self: KafkaResponse) -> str:
        arn = _path_arn(self, "/clusters/")
        cluster = self.kafka_backend.clusters.get(arn)
        if cluster is None:
            raise NotFoundException(f"Cluster {arn} not found.")
        authentication = cluster.client_authentication or {}
        in_transit = ((cluster.encryption_info or {}).get("encryptionInTransit") or {}).get("clientBroker", "TLS")
        enabled = {
            "BootstrapBrokerStringTls": in_transit in ("TLS", "TLS_PLAINTEXT") and (
                (authentication.get("tls") or {}).get("enabled", False)
                or (authentication.get("unauthenticated") or {}).get("enabled", not authentication)),
            "BootstrapBrokerStringSaslScram": ((authentication.get("sasl") or {}).get("scram") or {}).get("enabled"),
            "BootstrapBrokerStringSaslIam": ((authentication.get("sasl") or {}).get("iam") or {}).get("enabled"),
            "BootstrapBrokerString": in_transit in ("PLAINTEXT", "TLS_PLAINTEXT"),
        }
        brokers = int(cluster.number_of_broker_nodes or 1)
        host = f"{cluster.cluster_name}.{cluster.cluster_id[:6]}.c2.kafka.{cluster.region_name}.amazonaws.com"
        result = {key[0].lower() + key[1:]: ",".join(f"b-{n}.{host}:{_BROKER_PORTS[key]}"
                                                     for n in range(1, brokers + 1))
                  for key, on in enabled.items() if on}
        return json.dumps(result)

    KafkaResponse.get_bootstrap_brokers = get_bootstrap_brokers
    moto.kafka.urls.url_paths["{0}/v1/clusters/(?P<clusterArn>.+)/bootstrap-brokers$"] = KafkaResponse.dispatch


@adjustment(
    "kafka-configurations",
    "MSK configurations exist: Create/Describe/Update/DeleteConfiguration, "
    "DescribeConfigurationRevision, ListConfigurations and ListConfigurationRevisions, with a "
    "new revision per update; an unknown ARN is a BadRequestException saying the configuration "
    "ARN does not exist, as MSK answers (moto has no configurations).",
)
def _configurations_api() -> None:
    import moto.kafka.urls
    from moto.kafka.responses import KafkaResponse

    def find(self: KafkaResponse, arn: str) -> dict[str, Any]:
        found = _configurations(self.kafka_backend).get(arn)
        if found is None:  # MSK's answer for configurations, unlike clusters
            raise BadRequestException(f"Configuration ARN does not exist: {arn}")
        return found

    def summary(configuration: dict[str, Any]) -> dict[str, Any]:
        latest = configuration["revisions"][-1]
        return {"arn": configuration["arn"], "creationTime": configuration["creationTime"],
                "description": configuration["description"], "kafkaVersions": configuration["kafkaVersions"],
                "name": configuration["name"], "state": configuration["state"],
                "latestRevision": {key: latest[key] for key in ("creationTime", "description", "revision")}}

    def create_configuration(self: KafkaResponse) -> str:
        backend = self.kafka_backend
        name = self._get_param("name")
        if any(c["name"] == name for c in _configurations(backend).values()):
            raise ConflictException(f"A configuration named {name} already exists.")
        arn = f"arn:aws:kafka:{backend.region_name}:{backend.account_id}:configuration/{name}/{uuid.uuid4()}"
        description = self._get_param("description") or ""
        revision = {"creationTime": _now(), "description": description, "revision": 1,
                    "serverProperties": self._get_param("serverProperties")}
        configuration = {"arn": arn, "name": name, "description": description, "creationTime": revision["creationTime"],
                         "kafkaVersions": self._get_param("kafkaVersions") or [], "state": "ACTIVE",
                         "revisions": [revision]}
        _configurations(backend)[arn] = configuration
        created = summary(configuration)
        return json.dumps({key: created[key] for key in ("arn", "creationTime", "latestRevision", "name", "state")})

    def describe_configuration(self: KafkaResponse) -> str:
        return json.dumps(summary(find(self, _path_arn(self, "/configurations/"))))

    def describe_configuration_revision(self: KafkaResponse) -> str:
        configuration = find(self, _path_arn(self, "/configurations/"))
        number = int(unquote(self.parsed_url.path).rsplit("/", 1)[1])
        if not 1 <= number <= len(configuration["revisions"]):
            raise NotFoundException(f"Revision {number} of {configuration['arn']} not found.")
        return json.dumps({"arn": configuration["arn"], **configuration["revisions"][number - 1]})

    def list_configuration_revisions(self: KafkaResponse) -> str:
        configuration = find(self, _path_arn(self, "/configurations/"))
        return json.dumps({"revisions": [{key: r[key] for key in ("creationTime", "description", "revision")}
                                         for r in configuration["revisions"]]})

    def list_configurations(self: KafkaResponse) -> str:
        return json.dumps({"configurations": [summary(c) for c in _configurations(self.kafka_backend).values()]})

    def update_configuration(self: KafkaResponse) -> str:
        configuration = find(self, _path_arn(self, "/configurations/"))
        revision = {"creationTime": _now(), "revision": len(configuration["revisions"]) + 1,
                    "description": self._get_param("description") or configuration["description"],
                    "serverProperties": self._get_param("serverProperties")}
        configuration["revisions"].append(revision)
        configuration["description"] = revision["description"]
        latest = {key: revision[key] for key in ("creationTime", "description", "revision")}
        return json.dumps({"arn": configuration["arn"], "latestRevision": latest})

    def delete_configuration(self: KafkaResponse) -> str:
        configuration = find(self, _path_arn(self, "/configurations/"))
        in_use = [c.arn for c in self.kafka_backend.clusters.values()
                  if (c.configuration_info or {}).get("arn") == configuration["arn"]]
        if in_use:
            raise ConflictException(f"Configuration {configuration['arn']} is used by {', '.join(in_use)}.")
        del _configurations(self.kafka_backend)[configuration["arn"]]
        return json.dumps({"arn": configuration["arn"], "state": "DELETING"})

    for handler in (create_configuration, describe_configuration, describe_configuration_revision,
                    list_configuration_revisions, list_configurations, update_configuration, delete_configuration):
        setattr(KafkaResponse, handler.__name__, handler)
    moto.kafka.urls.url_paths.update({
        "{0}/v1/configurations$": KafkaResponse.dispatch,
        "{0}/v1/configurations/(?P<arn>.+)/revisions/(?P<revision>[0-9]+)$": KafkaResponse.dispatch,
        "{0}/v1/configurations/(?P<arn>.+)/revisions$": KafkaResponse.dispatch,
        "{0}/v1/configurations/(?P<arn>.+)$": KafkaResponse.dispatch,
    })
