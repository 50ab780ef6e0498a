"""The alarm topic, the four alarm packs, an application's alarms and the two EventBridge routes, applied
with the real Terraform CLI and AWS provider to the emulator.

The dev platform (which the emulator deploy tests apply) has monitoring off, so this is where
the alarms themselves meet an AWS API: the provider must accept every alarm (metric math
included), read it back without a diff, and the emulator must hold the actions, the topic's
encryption and its subscriptions as synthesized.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from local_aws.emulator import LocalAws
from platform_constructs.naming import Naming
from platform_constructs.observability.monitoring_props import ApplicationAlarmProps, MonitoringProps
from platformctl.terraform.cli import terraform_env, write_cli_config

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.slow]

ACCOUNT, REGION = "111111111111", "eu-west-1"


def synthesize_monitoring(directory):
    """A stack holding only the monitoring of a small replicated platform, written to ``directory``."""
    from platform_constructs._internal.tf import TerraformStack, Testing, aws
    from platform_constructs.observability.alarm_routing import (
        EventRoute,
        application_alarm_pattern,
        inspector_findings_pattern,
    )
    from platform_constructs.observability.alarm_topic import AlarmTopic
    from platform_constructs.observability.alarms.application import ApplicationAlarms
    from platform_constructs.observability.alarms.application_specs import ApplicationSignals
    from platform_constructs.observability.alarms.kafka import KafkaAlarms
    from platform_constructs.observability.alarms.postgres import PostgresAlarms
    from platform_constructs.observability.alarms.redis import RedisAlarms
    from platform_constructs.observability.alarms.search import SearchAlarms

    settings = MonitoringProps.model_validate({"topic": {"subscribers": ["oncall@acme.example"]}})
    stack = TerraformStack(Testing.app(outdir=str(directory / "out")), "monitoring")
    aws.provider.AwsProvider(stack, "aws", region=REGION)
    naming = Naming("acme", "emu")
    topic = AlarmTopic(stack, "AlarmTopic", props=settings.topic, naming=naming)
    EventRoute(stack, "AlarmRouting", name="acme-emu-app-alarms", description="application alarms",
               pattern=application_alarm_pattern(naming), topic_arn=topic.arn)
    EventRoute(stack, "FindingsRoute", name="acme-emu-inspector-findings", description="image findings",
               pattern=inspector_findings_pattern(), topic_arn=topic.arn)
    application = ApplicationAlarmProps.model_validate({"availability": {"percent": 99.9}})
    signals = ApplicationSignals(naming=naming, app="api", cluster_name="acme-emu-eks", namespace="api",
                                 autoscaler_max=4, load_balancer="app/acme-emu-api/0123456789abcdef",
                                 target_group="targetgroup/acme-emu-api/fedcba9876543210")
    packs = [
        PostgresAlarms(stack, "PostgresAlarms", identifier="acme-emu-postgres", thresholds=settings.postgres,
                       topic_arn=topic.arn),
        RedisAlarms(stack, "RedisAlarms", replication_group_id="acme-emu-redis",
                    member_cluster_ids=["acme-emu-redis-001", "acme-emu-redis-002"], thresholds=settings.redis,
                    topic_arn=topic.arn),
        KafkaAlarms(stack, "KafkaAlarms", cluster_name="acme-emu-kafka", broker_count=3, thresholds=settings.kafka,
                    topic_arn=topic.arn),
        SearchAlarms(stack, "SearchAlarms", domain_name="acme-emu-search", volume_size_gib=50,
                     thresholds=settings.search, topic_arn=topic.arn),
        ApplicationAlarms(stack, "ApiAlarms", signals=signals, props=application, topic_arn=topic.arn, runbook="r"),
    ]
    stack_dir = directory / "stack"
    stack_dir.mkdir()
    (stack_dir / "cdk.tf.json").write_text(Testing.synth(stack))
    return stack_dir, [name for pack in packs for name in pack.alarm_names]


def terraform(stack_dir, env, *args):
    return subprocess.run(["terraform", f"-chdir={stack_dir}", *args, "-input=false", "-no-color"],
                          capture_output=True, text=True, env=env, check=False)


def test_monitoring_applies_reads_back_unchanged_and_notifies_the_encrypted_topic(tmp_path):
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; the emulator apply cannot run")
    stack_dir, alarm_names = synthesize_monitoring(tmp_path)
    cli_config = write_cli_config(tmp_path / "platform.tfrc")
    with LocalAws(account_id=ACCOUNT, region=REGION) as emulator:
        env = emulator.process_env(terraform_env(cli_config))
        for step in (["init"], ["apply", "-auto-approve"]):
            result = terraform(stack_dir, env, *step)
            assert result.returncode == 0, result.stderr[-3000:]
        replan = terraform(stack_dir, env, "plan", "-detailed-exitcode")
        assert replan.returncode == 0, replan.stdout[-3000:] + replan.stderr[-3000:]

        sns, cloudwatch, kms = (emulator.client(service) for service in ("sns", "cloudwatch", "kms"))
        [topic_arn] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":acme-emu-alarms")]
        attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
        key = kms.describe_key(KeyId=attributes["KmsMasterKeyId"])["KeyMetadata"]
        assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
        publishers = [s["Principal"] for s in json.loads(attributes["Policy"])["Statement"] if s["Effect"] == "Allow"]
        assert publishers == [{"Service": "cloudwatch.amazonaws.com"}, {"Service": "events.amazonaws.com"}]
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@acme.example")]

        found = cloudwatch.describe_alarms(AlarmNamePrefix="acme-emu-", MaxRecords=100,
                                           AlarmTypes=["MetricAlarm", "CompositeAlarm"])
        alarms = [a for a in found["MetricAlarms"] if a.get("AlarmActions")] + found["CompositeAlarms"]
        assert sorted(alarm["AlarmName"] for alarm in alarms) == sorted(alarm_names)
        assert {a["AlarmName"] for a in found["CompositeAlarms"]} == {"acme-emu-app-api-burn-fast",
                                                                      "acme-emu-app-api-burn-slow"}
        for alarm in alarms:
            assert (alarm["ActionsEnabled"], alarm["AlarmActions"], alarm["OKActions"]) == (
                True, [topic_arn], [topic_arn]), alarm["AlarmName"]
        [controller] = [alarm for alarm in alarms if alarm["AlarmName"] == "acme-emu-kafka-active-controller"]
        queries = {query["Id"]: query for query in controller["Metrics"]}
        assert set(queries) == {"highest", "total", "result"}
        assert queries["result"]["Expression"] == "IF(highest < 1, 1, ABS(total - 1))"


        events = emulator.client("events")
        rules = {rule["Name"]: rule for rule in events.list_rules(NamePrefix="acme-emu-")["Rules"]}
        assert set(rules) == {"acme-emu-app-alarms", "acme-emu-inspector-findings"}
        assert json.loads(rules["acme-emu-app-alarms"]["EventPattern"])["detail"]["alarmName"] == [
            {"prefix": "acme-emu-app-"}]
        assert json.loads(rules["acme-emu-inspector-findings"]["EventPattern"])["source"] == ["aws.inspector2"]
        for name in rules:
            [target] = events.list_targets_by_rule(Rule=name)["Targets"]
            assert target["Arn"] == topic_arn
