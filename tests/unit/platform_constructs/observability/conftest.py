"""Fixtures of the monitoring tests: synthesize alarm packs and read their alarms by physical name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tfjson import resources_of

Alarms = dict[str, dict[str, Any]]


@pytest.fixture
def topic_arn() -> str:
    """A topic ARN known at synth, so tests compare alarm actions by value."""
    return "arn:aws:sns:eu-west-1:111111111111:acme-test-alarms"


@pytest.fixture
def alarms_of() -> Callable[[dict[str, Any]], Alarms]:
    """Synthesized ``aws_cloudwatch_metric_alarm`` bodies of a stack, keyed by ``alarm_name``."""

    def alarms(config: dict[str, Any]) -> Alarms:
        return {alarm["alarm_name"]: alarm for alarm in resources_of(config, "aws_cloudwatch_metric_alarm").values()}

    return alarms


@pytest.fixture
def synth_alarms(synth_stack, alarms_of, topic_arn) -> Callable[..., Alarms]:
    """Synthesize ``pack_class(stack, "Pack", topic_arn=..., **inputs)`` alone and return its alarms."""

    def synth(pack_class: type, **inputs: Any) -> Alarms:
        return alarms_of(synth_stack(lambda stack: pack_class(stack, "Pack", topic_arn=topic_arn, **inputs)))

    return synth


@pytest.fixture
def assert_notifies() -> Callable[[Alarms, str], None]:
    """Check that every alarm is enabled and notifies the topic on ALARM and on OK, and nobody on INSUFFICIENT_DATA."""

    def check(alarms: Alarms, topic: str) -> None:
        assert alarms
        for name, alarm in alarms.items():
            assert alarm["actions_enabled"] is True, name
            assert alarm["alarm_actions"] == [topic], name
            assert alarm["ok_actions"] == [topic], name
            assert "insufficient_data_actions" not in alarm, name

    return check
