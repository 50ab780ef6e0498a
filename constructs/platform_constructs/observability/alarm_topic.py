"""AlarmTopic: the SNS topic every alarm of an environment notifies, encrypted with a rotating CMK."""

from __future__ import annotations

from typing import Any

from platform_constructs._internal.aws_context import account_id, partition, policy_document, region_name
from platform_constructs._internal.tf import Construct, aws
from platform_constructs.naming import Naming
from platform_constructs.observability.monitoring_props import AlarmTopicProps
from platform_constructs.security.kms_key import KmsKey, KmsKeyProps


class AlarmTopic(Construct):
    """An SNS topic for CloudWatch alarms of this account, encrypted at rest, with its subscribers.

    - The topic is encrypted with ``kms_key``, or with its own rotating key whose policy lets
      ``cloudwatch.amazonaws.com`` use it on behalf of this account only. A key passed in must
      grant CloudWatch the same, or alarms fail to publish without any error at deploy time.
    - The topic policy lets CloudWatch publish only for alarms of this account and region,
      EventBridge only for rules of this environment (``{prefix}-{env}-*``: the application alarm
      rule, the Inspector findings rule), and refuses publishing without TLS.
    - One subscription per subscriber; e-mail subscriptions stay pending until the recipient
      confirms (and Terraform cannot delete one that was never confirmed: SNS expires it).

    Example::

        topic = AlarmTopic(self, "AlarmTopic", props=AlarmTopicProps(
            subscribers=(Subscriber.email("oncall@example.com"),)), naming=Naming("acme", "prod"))
        topic.arn  # alarm_actions / ok_actions of every alarm
    """

    def __init__(self, scope: Construct, construct_id: str, *, props: AlarmTopicProps, naming: Naming,
                 kms_key: KmsKey | None = None) -> None:
        super().__init__(scope, construct_id)
        # resolve defaults
        self.name: str = naming.name("alarms")
        self.kms_key = kms_key or KmsKey(self, "Key", props=KmsKeyProps(
            alias=self.name, description=f"SNS alarm topic {self.name}", service_principals=("cloudwatch", "events"),
        ))

        # create resources
        self.topic = aws.sns_topic.SnsTopic(
            self, "Topic", name=self.name, kms_master_key_id=self.kms_key.arn,
            signature_version=2,  # SHA256-signed deliveries for HTTPS subscribers
        )
        account, aws_partition, region = account_id(self), partition(self), region_name(self)
        aws.sns_topic_policy.SnsTopicPolicy(self, "Policy", arn=self.topic.arn, policy=policy_document(
            _publish_from("CloudWatchAlarmsOfThisAccount", "cloudwatch", self.topic.arn, account,
                          f"arn:{aws_partition}:cloudwatch:{region}:{account}:alarm:*"),
            _publish_from("EventBridgeRulesOfThisEnvironment", "events", self.topic.arn, account,
                          f"arn:{aws_partition}:events:{region}:{account}:rule/{naming.prefix}-{naming.environment}-*"),
            {
                "Sid": "DenyPublishWithoutTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": self.topic.arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ))
        for subscriber in props.subscribers:
            aws.sns_topic_subscription.SnsTopicSubscription(
                self, f"Subscription{subscriber.key}", topic_arn=self.topic.arn,
                protocol=subscriber.protocol, endpoint=subscriber.endpoint,
            )

        # expose attributes
        self.arn: str = self.topic.arn
        self.kms_key_arn: str = self.kms_key.arn

    @property
    def outputs(self) -> dict[str, object]:
        """Values other stacks and teams need, for ``TerraformOutput`` at stack level."""
        return {"alarm_topic_arn": self.arn, "alarm_topic_name": self.name, "alarm_topic_kms_key_arn": self.kms_key_arn}


def _publish_from(sid: str, service: str, topic_arn: str, account: str, source_arn: str) -> dict[str, Any]:
    """Allow ``service`` to publish to the topic on behalf of ``source_arn``s of this account only."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": f"{service}.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": source_arn}},
    }
