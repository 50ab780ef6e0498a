"""AlarmTopic: encrypted with a rotating key CloudWatch may use, publishable only by this account's alarms."""

from __future__ import annotations

import json

from tfjson import only, resources_of

from platform_constructs.naming import Naming
from platform_constructs.observability.monitoring_props import AlarmTopicProps, Subscriber

ACCOUNT = "${data.aws_caller_identity.CallerIdentity.account_id}"
PARTITION = "${data.aws_partition.Partition.partition}"
REGION = "${data.aws_region.Region.name}"


def build_topic(subscribers=(), *, own_key=False, created=None):
    def build(stack):
        from platform_constructs.observability.alarm_topic import AlarmTopic
        from platform_constructs.security.kms_key import KmsKey, KmsKeyProps

        key = KmsKey(stack, "SharedKey", props=KmsKeyProps(
            alias="acme-test-shared", description="shared", service_principals=("cloudwatch",))) if own_key else None
        topic = AlarmTopic(stack, "AlarmTopic", props=AlarmTopicProps(subscribers=subscribers),
                           naming=Naming("acme", "test"), kms_key=key)
        if created is not None:
            created["topic"] = topic
    return build


def reference(config, resource_type):
    """``${type.logical_id.arn}`` of the single resource of that type."""
    [logical_id] = resources_of(config, resource_type)
    return f"${{{resource_type}.{logical_id}.arn}}"


def test_topic_is_encrypted_with_its_own_rotating_key(synth_stack):
    config = synth_stack(build_topic())
    topic = only(config, "aws_sns_topic")
    key = only(config, "aws_kms_key")
    assert topic["name"] == "acme-test-alarms"
    assert topic["kms_master_key_id"] == reference(config, "aws_kms_key")
    assert topic["signature_version"] == 2
    assert key["enable_key_rotation"] is True
    assert only(config, "aws_kms_alias")["name"] == "alias/acme-test-alarms"


def test_key_policy_lets_cloudwatch_use_the_key_for_this_account_only(synth_stack):
    policy = json.loads(only(synth_stack(build_topic()), "aws_kms_key")["policy"])
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert statements["ServiceEvents"]["Principal"] == {"Service": "events.amazonaws.com"}
    cloudwatch = statements["ServiceCloudwatch"]
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(cloudwatch["Action"])
    assert cloudwatch["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_topic_policy_admits_only_this_accounts_alarms_and_requires_tls(synth_stack):
    config = synth_stack(build_topic())
    policy = only(config, "aws_sns_topic_policy")
    topic_arn = reference(config, "aws_sns_topic")
    assert policy["arn"] == topic_arn
    allow, events, deny = json.loads(policy["policy"])["Statement"]
    assert allow == {
        "Sid": "CloudWatchAlarmsOfThisAccount", "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                      "ArnLike": {"aws:SourceArn": f"arn:{PARTITION}:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"}},
    }
    # EventBridge publishes only for rules of this environment (application alarms, Inspector findings)
    assert events == {
        "Sid": "EventBridgeRulesOfThisEnvironment", "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                      "ArnLike": {"aws:SourceArn": f"arn:{PARTITION}:events:{REGION}:{ACCOUNT}:rule/acme-test-*"}},
    }
    assert (deny["Effect"], deny["Action"], deny["Resource"]) == ("Deny", "sns:Publish", topic_arn)
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_no_subscription_without_subscribers(synth_stack):
    assert not resources_of(synth_stack(build_topic()), "aws_sns_topic_subscription")


def test_one_subscription_per_subscriber_and_reordering_keeps_them(synth_stack):
    subscribers = (Subscriber.email("oncall@acme.example"), Subscriber.https("https://hooks.acme.example/alarms"))
    config = synth_stack(build_topic(subscribers))
    subscriptions = resources_of(config, "aws_sns_topic_subscription")
    assert sorted((s["protocol"], s["endpoint"]) for s in subscriptions.values()) == [
        ("email", "oncall@acme.example"), ("https", "https://hooks.acme.example/alarms")]
    assert {s["topic_arn"] for s in subscriptions.values()} == {reference(config, "aws_sns_topic")}
    reordered = resources_of(synth_stack(build_topic(subscribers[::-1])), "aws_sns_topic_subscription")
    assert reordered == subscriptions


def test_a_given_key_is_used_instead_of_creating_one(synth_stack):
    config = synth_stack(build_topic(own_key=True))
    [(logical_id, _)] = resources_of(config, "aws_kms_key").items()
    assert "SharedKey" in logical_id
    assert only(config, "aws_sns_topic")["kms_master_key_id"] == f"${{aws_kms_key.{logical_id}.arn}}"


def test_outputs_name_the_topic_and_its_key(synth_stack):
    created = {}
    synth_stack(build_topic(created=created))
    topic = created["topic"]
    assert set(topic.outputs) == {"alarm_topic_arn", "alarm_topic_name", "alarm_topic_kms_key_arn"}
    assert topic.outputs["alarm_topic_name"] == "acme-test-alarms"
    assert topic.outputs["alarm_topic_arn"] == topic.arn
    assert topic.outputs["alarm_topic_kms_key_arn"] == topic.kms_key.arn
