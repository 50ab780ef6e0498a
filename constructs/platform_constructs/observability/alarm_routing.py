"""EventRoute: one EventBridge rule that sends matching events to the alarm topic; the patterns the platform routes.

- :func:`application_alarm_pattern` (platform stack): state changes of the environment's application alarms.
- :func:`inspector_findings_pattern` (shared stack, the registry account where enhanced scanning runs):
  critical and high Amazon Inspector findings on ECR images.
"""

from __future__ import annotations

import json

from platform_constructs._internal.tf import Construct, aws
from platform_constructs.naming import Naming

#: Inspector severities routed like critical alarms.
ROUTED_FINDING_SEVERITIES = ("CRITICAL", "HIGH")


def application_alarm_pattern(naming: Naming) -> dict[str, object]:
    """Event pattern: an application alarm (``{prefix}-{env}-app-*``) of this environment entered ALARM or OK."""
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [{"prefix": f"{naming.name('app')}-"}], "state": {"value": ["ALARM", "OK"]}},
    }


def inspector_findings_pattern() -> dict[str, object]:
    """Event pattern: an active critical or high Inspector finding on an ECR container image."""
    return {
        "source": ["aws.inspector2"],
        "detail-type": ["Inspector2 Finding"],
        "detail": {"severity": list(ROUTED_FINDING_SEVERITIES), "status": ["ACTIVE"],
                   "resources": {"type": ["AWS_ECR_CONTAINER_IMAGE"]}},
    }


class EventRoute(Construct):
    """An EventBridge rule on the default bus whose matching events go to the alarm topic.

    The rule is where a paging integration or the rollback job subscribes (another target on the
    rule, or a subscription on the topic). The topic must let ``events.amazonaws.com`` publish for
    rules of this environment and its key must let EventBridge encrypt; :class:`~.alarm_topic.AlarmTopic`
    does both.

    Example::

        EventRoute(self, "AppAlarmRoute", name=naming.name("app-alarms"), pattern=application_alarm_pattern(naming),
                   description="application alarms entering ALARM or OK", topic_arn=topic.arn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, name: str, description: str,
                 pattern: dict[str, object], topic_arn: str) -> None:
        super().__init__(scope, construct_id)
        self.rule = aws.cloudwatch_event_rule.CloudwatchEventRule(
            self, "Rule", name=name, state="ENABLED", description=description,
            event_pattern=json.dumps(pattern, sort_keys=True),
        )
        aws.cloudwatch_event_target.CloudwatchEventTarget(
            self, "Topic", rule=self.rule.name, target_id="alarm-topic", arn=topic_arn)
        self.rule_arn: str = self.rule.arn
        self.rule_name: str = self.rule.name
