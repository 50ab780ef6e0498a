"""Emulator adjustments for SNS: topic attributes.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

from typing import Any

from local_aws.adjustments import adjustment


@adjustment(
    "sns-topic-signature-version",
    "GetTopicAttributes reports SignatureVersion (1 unless set) and TracingConfig (PassThrough "
    "unless set); moto stores a SignatureVersion it is given but never returns it.",
)
def _topic_attributes() -> None:
    from moto.sns.responses import SNSResponse

    original = SNSResponse.get_topic_attributes

    def get_topic_attributes(self: SNSResponse) -> Any:
        result: Any = original(self)
        topic = self.backend.get_topic(self._get_param("TopicArn"))
        result.result["Attributes"]["SignatureVersion"] = str(getattr(topic, "signature_version", "1"))
        result.result["Attributes"]["TracingConfig"] = getattr(topic, "tracing_config", "PassThrough")
        return result

    SNSResponse.get_topic_attributes = get_topic_attributes
