"""Emulator adjustments for CloudWatch: composite alarms.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from local_aws.adjustments import adjustment


@adjustment(
    "cloudwatch-put-composite-alarm",
    "PutCompositeAlarm creates or updates a composite alarm (name, rule, description, actions, tags); moto "
    "stores composite alarms (its PutMetricAlarm reads AlarmRule and DescribeAlarms lists them under "
    "CompositeAlarms) but routes no PutCompositeAlarm action to that code.",
)
def _put_composite_alarm() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    if not hasattr(CloudWatchResponse, "put_composite_alarm"):
        CloudWatchResponse.put_composite_alarm = CloudWatchResponse.put_metric_alarm
