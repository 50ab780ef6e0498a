"""ApplicationAlarmRouting: one EventBridge rule for the state changes of an environment's application alarms."""

from __future__ import annotations

import json

from platform_constructs._internal.tf import Construct, aws
from platform_constructs.naming import Naming


def application_alarm_pattern(naming: Naming) -> dict[str, object]:
    """Event pattern: an application alarm (``{prefix}-{env}-app-*``) of this environment entered ALARM or OK."""
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [{"prefix": f"{naming.name('app')}-"}], "state": {"value": ["ALARM", "OK"]}},
    }


class ApplicationAlarmRouting(Construct):
    """Routes application alarm state changes to the alarm topic through one EventBridge rule.

    The rule is where a paging integration or the rollback job subscribes (another target on the
    rule, or a subscription on the topic): the event names the alarm, hence the environment and
    application, and its description holds the rollback command. The alarms also notify the topic
    directly (their actions), so the topic alone is enough for e-mail and chat subscribers.

    The topic must let ``events.amazonaws.com`` publish for rules of this account
    (:class:`~platform_constructs.observability.alarm_topic.AlarmTopic` does) and its key must let
    EventBridge encrypt.

    Example::

        ApplicationAlarmRouting(self, "AlarmRouting", naming=Naming("acme", "prod"), topic_arn=topic.arn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, naming: Naming, topic_arn: str) -> None:
        super().__init__(scope, construct_id)
        self.rule = aws.cloudwatch_event_rule.CloudwatchEventRule(
            self, "Rule", name=naming.name("app-alarms"), state="ENABLED",
            description="Application alarms of this environment entering ALARM or OK (pager, rollback job)",
            event_pattern=json.dumps(application_alarm_pattern(naming), sort_keys=True),
        )
        aws.cloudwatch_event_target.CloudwatchEventTarget(
            self, "Topic", rule=self.rule.name, target_id="alarm-topic", arn=topic_arn)
        self.rule_arn: str = self.rule.arn
        self.rule_name: str = self.rule.name

    @property
    def outputs(self) -> dict[str, object]:
        """The rule subscribers attach their targets to."""
        return {"app_alarm_rule_arn": self.rule_arn, "app_alarm_rule_name": self.rule_name}
