"""KafkaCluster construct: synthesized resources per props, tier defaults and wiring."""

from __future__ import annotations

import pytest
from tfjson import only, reference, resources_of

from platform_constructs.errors import ConstructValidationError
from platform_constructs.naming import Naming
from platform_constructs.observability.log_group import LogSettings
from platform_constructs.streaming.kafka_props import KafkaProps

LOG_KEY = "arn:aws:kms:eu-west-1:111111111111:key/logs"
SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]


def build_kafka(props: KafkaProps | None = None, *, subnets=SUBNETS, own_key=False, wire_from=None):
    def build(stack):
        from platform_constructs.security.kms_key import KmsKey, KmsKeyProps
        from platform_constructs.streaming.kafka import KafkaCluster

        key = KmsKey(stack, "SharedKey", props=KmsKeyProps(alias="shared", description="shared")) if own_key else None
        kafka = KafkaCluster(stack, "Kafka", props=props or KafkaProps(), vpc_id="vpc-1", subnet_ids=subnets,
                             naming=Naming("acme", "test"), logs=LogSettings(retention_days=30, kms_key_arn=LOG_KEY),
                             kms_key=key)
        for source in wire_from or ():
            kafka.allow_from(source(stack))
    return build


def test_cluster_is_tls_only_iam_authenticated_and_encrypted_with_its_own_rotating_key(synth_stack):
    config = synth_stack(build_kafka())
    cluster = only(config, "aws_msk_cluster")
    assert cluster["encryption_info"] == {
        "encryption_at_rest_kms_key_arn": reference(config, "aws_kms_key", "arn"),
        "encryption_in_transit": {"client_broker": "TLS", "in_cluster": True},
    }
    assert cluster["client_authentication"] == {"sasl": {"iam": True}, "unauthenticated": False}
    assert "connectivity_info" not in cluster["broker_node_group_info"]  # no public access
    assert only(config, "aws_kms_key")["enable_key_rotation"] is True
    assert only(config, "aws_kms_alias")["name"] == "alias/acme-test-kafka"


def test_a_given_key_is_used_and_no_other_key_is_created(synth_stack):
    config = synth_stack(build_kafka(own_key=True))
    [(name, _)] = resources_of(config, "aws_kms_key").items()
    assert "SharedKey" in name
    assert only(config, "aws_msk_cluster")["encryption_info"]["encryption_at_rest_kms_key_arn"] == \
        f"${{aws_kms_key.{name}.arn}}"


@pytest.mark.parametrize(("subnets", "brokers"), [(SUBNETS, 3), (SUBNETS, 6), (SUBNETS[:2], 4)])
def test_brokers_are_spread_over_every_given_subnet(synth_stack, subnets, brokers):
    props = KafkaProps(broker_count=brokers)
    cluster = only(synth_stack(build_kafka(props, subnets=subnets)), "aws_msk_cluster")
    assert cluster["number_of_broker_nodes"] == brokers
    assert cluster["broker_node_group_info"]["client_subnets"] == subnets
    assert cluster["cluster_name"] == "acme-test-kafka"


def test_configuration_holds_the_durability_settings_and_is_replaced_before_it_is_destroyed(synth_stack):
    config = synth_stack(build_kafka(KafkaProps(kafka_version="3.9.x")))
    configuration = only(config, "aws_msk_configuration")
    assert configuration["server_properties"].splitlines() == [
        "auto.create.topics.enable=false", "default.replication.factor=3", "min.insync.replicas=2"]
    assert configuration["kafka_versions"] == ["3.9.x"]
    assert configuration["lifecycle"] == {"create_before_destroy": True}
    assert only(config, "aws_msk_cluster")["configuration_info"] == {
        "arn": reference(config, "aws_msk_configuration", "arn"),
        "revision": reference(config, "aws_msk_configuration", "latest_revision"),
    }


@pytest.mark.parametrize(("change", "renamed"), [
    ({"kafka_version": "3.9.x"}, True),
    ({"min_insync_replicas": 1}, True),
    ({"replication_factor": 2, "min_insync_replicas": 1}, True),
    ({"broker_count": 6, "volume_size_gib": 200, "instance_type": "kafka.m5.xlarge"}, False),
])
def test_configuration_name_changes_exactly_when_its_content_or_version_changes(synth_stack, change, renamed):
    def configuration_name(props):
        return only(synth_stack(build_kafka(props)), "aws_msk_configuration")["name"]

    before = configuration_name(KafkaProps())
    after = configuration_name(KafkaProps(**change))
    assert before.startswith("acme-test-kafka-") and len(before) == len("acme-test-kafka-") + 8
    assert (before != after) is renamed


def test_storage_autoscaling_tracks_utilisation_never_scales_in_and_owns_the_volume_size(synth_stack):
    config = synth_stack(build_kafka(KafkaProps(volume_size_gib=200, max_volume_size_gib=800,
                                                storage_target_percent=60)))
    target = only(config, "aws_appautoscaling_target")
    assert (target["service_namespace"], target["scalable_dimension"], target["max_capacity"]) == (
        "kafka", "kafka:broker-storage:VolumeSize", 800)
    assert target["resource_id"] == reference(config, "aws_msk_cluster", "arn")
    policy = only(config, "aws_appautoscaling_policy")
    assert policy["policy_type"] == "TargetTrackingScaling"
    assert policy["target_tracking_scaling_policy_configuration"] == {
        "target_value": 60, "disable_scale_in": True,
        "predefined_metric_specification": {"predefined_metric_type": "KafkaBrokerStorageUtilization"},
    }
    cluster = only(config, "aws_msk_cluster")
    assert cluster["broker_node_group_info"]["storage_info"] == {"ebs_storage_info": {"volume_size": 200}}
    assert cluster["lifecycle"]["ignore_changes"] == [
        "broker_node_group_info[0].storage_info[0].ebs_storage_info[0].volume_size"]


def test_broker_logs_go_to_an_encrypted_log_group_with_retention(synth_stack):
    config = synth_stack(build_kafka())
    log_group = only(config, "aws_cloudwatch_log_group")
    assert (log_group["name"], log_group["retention_in_days"], log_group["kms_key_id"]) == (
        "/aws/msk/acme-test-kafka/broker", 30, LOG_KEY)
    assert only(config, "aws_msk_cluster")["logging_info"] == {"broker_logs": {"cloudwatch_logs": {
        "enabled": True, "log_group": reference(config, "aws_cloudwatch_log_group", "name")}}}


@pytest.mark.parametrize(("exporters", "monitoring"), [(True, "PER_TOPIC_PER_BROKER"), (False, "DEFAULT")])
def test_monitoring_follows_the_props(synth_stack, exporters, monitoring):
    props = KafkaProps(prometheus_exporters=exporters, enhanced_monitoring=monitoring)
    cluster = only(synth_stack(build_kafka(props)), "aws_msk_cluster")
    assert cluster["enhanced_monitoring"] == monitoring
    assert cluster["open_monitoring"] == {"prometheus": {"jmx_exporter": {"enabled_in_broker": exporters},
                                                         "node_exporter": {"enabled_in_broker": exporters}}}


@pytest.mark.parametrize("protected", [True, False])
def test_deletion_protection_becomes_prevent_destroy(synth_stack, protected):
    cluster = only(synth_stack(build_kafka(KafkaProps(deletion_protection=protected))), "aws_msk_cluster")
    assert cluster["lifecycle"]["prevent_destroy"] is protected


def test_security_group_is_closed_until_a_source_is_wired(synth_stack):
    config = synth_stack(build_kafka())
    group = only(config, "aws_security_group")
    assert "ingress" not in group and "egress" not in group
    assert not resources_of(config, "aws_vpc_security_group_ingress_rule")
    assert only(config, "aws_msk_cluster")["broker_node_group_info"]["security_groups"] == [
        reference(config, "aws_security_group", "id")]


def test_allow_from_opens_the_sasl_iam_port_to_exactly_one_security_group(synth_stack):
    def workers(stack):
        from platform_constructs._internal.tf import Construct, aws

        peer = Construct(stack, "Workers")
        peer.security_group_id = aws.security_group.SecurityGroup(peer, "Group", name="workers").id
        return peer

    config = synth_stack(build_kafka(wire_from=[workers]))
    rule = only(config, "aws_vpc_security_group_ingress_rule")
    assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 9098, 9098)
    groups = {name: f"${{aws_security_group.{name}.id}}" for name in resources_of(config, "aws_security_group")}
    assert rule["security_group_id"] == next(ref for name, ref in groups.items() if "Kafka" in name)
    assert rule["referenced_security_group_id"] == next(ref for name, ref in groups.items() if "Workers" in name)
    assert "cidr_ipv4" not in rule


def test_invalid_props_fail_before_any_resource_naming_the_construct(synth_stack):
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_kafka(KafkaProps(broker_count=3), subnets=SUBNETS[:2]))
    assert (raised.value.field, raised.value.code, raised.value.path) == ("broker_count", "kafka.broker-count",
                                                                          "test/Kafka")
    assert "3 brokers cannot be spread evenly over 2 zones (subnet_ids)" in str(raised.value)



def test_every_problem_is_reported_at_once(synth_stack):
    props = KafkaProps(broker_count=3, replication_factor=3, min_insync_replicas=3, volume_size_gib=100,
                       max_volume_size_gib=100)
    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build_kafka(props, subnets=SUBNETS[:2]))
    assert [(problem.code, problem.field, problem.value) for problem in raised.value.problems] == [
        ("kafka.broker-count", "broker_count", 3),
        ("kafka.min-insync-replicas", "min_insync_replicas", 3),
        ("kafka.max-volume-size", "max_volume_size_gib", 100),
    ]
    assert str(raised.value).startswith("[test/Kafka] 3 problems:\n  - broker_count = 3: 3 brokers cannot be spread")

# tier defaults, read from the repository's full synth
@pytest.mark.parametrize(("stack", "brokers", "instance_type", "monitoring", "exporters", "protected", "replication"), [
    ("dev", 2, "kafka.t3.small", "DEFAULT", False, False, ("2", "1")),
    ("staging", 3, "kafka.m7g.large", "PER_BROKER", True, True, ("3", "2")),
    ("prod", 3, "kafka.m7g.large", "PER_TOPIC_PER_BROKER", True, True, ("3", "2")),
])
def test_tier_defaults(stack_json, stack, brokers, instance_type, monitoring, exporters, protected, replication):
    config = stack_json(stack)
    cluster = only(config, "aws_msk_cluster")
    assert cluster["number_of_broker_nodes"] == brokers
    assert len(cluster["broker_node_group_info"]["client_subnets"]) == {"dev": 2}.get(stack, 3)
    assert all("Isolated" in subnet for subnet in cluster["broker_node_group_info"]["client_subnets"])
    assert cluster["broker_node_group_info"]["instance_type"] == instance_type
    assert cluster["enhanced_monitoring"] == monitoring
    assert cluster["open_monitoring"]["prometheus"]["jmx_exporter"]["enabled_in_broker"] is exporters
    assert cluster["lifecycle"]["prevent_destroy"] is protected
    properties = dict(line.split("=") for line in only(config, "aws_msk_configuration")["server_properties"].split())
    assert (properties["default.replication.factor"], properties["min.insync.replicas"]) == replication
    assert properties["auto.create.topics.enable"] == "false"


def test_platform_stack_outputs_what_other_teams_need(stack_json):
    outputs = stack_json("prod")["output"]
    assert outputs["kafka_cluster_name"]["value"] == "acme-prod-kafka"
    for name in ("arn", "bootstrap_brokers_sasl_iam", "security_group_id", "configuration_arn"):
        assert outputs[f"kafka_{name}"]["value"].startswith("${aws_")


def test_platform_stack_lets_only_the_eks_cluster_reach_the_brokers(stack_json):
    config = stack_json("prod")
    kafka_group = next(f"${{aws_security_group.{name}.id}}" for name in resources_of(config, "aws_security_group")
                       if name.startswith("Kafka_"))
    [rule] = [r for r in resources_of(config, "aws_vpc_security_group_ingress_rule").values()
              if r["security_group_id"] == kafka_group]
    assert (rule["from_port"], rule["to_port"]) == (9098, 9098)
    assert rule["referenced_security_group_id"].startswith("${aws_eks_cluster.")
