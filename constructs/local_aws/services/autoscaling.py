"""Emulator adjustments for Application Auto Scaling: tags on scalable targets.

Registered with :func:`.emulator_adjustments.adjustment`; applied in the emulator process only.
"""

from __future__ import annotations

import json
from typing import Any

from local_aws.adjustments import adjustment, error_class

ResourceNotFoundException = error_class("ResourceNotFoundException")


def _tags(backend: Any) -> dict[str, dict[str, str]]:
    if not hasattr(backend, "_local_aws_tags"):
        backend._local_aws_tags = {}
    store: dict[str, dict[str, str]] = backend._local_aws_tags
    return store


@adjustment(
    "application-autoscaling-tags",
    "Scalable targets carry tags: RegisterScalableTarget keeps its Tags, and TagResource, "
    "UntagResource and ListTagsForResource work on target ARNs (moto has no tags here).",
)
def _scalable_target_tags() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    def target_arns(self: ApplicationAutoScalingResponse) -> set[str]:
        backend = self.applicationautoscaling_backend
        return {target.arn for by_id in backend.targets.values() for target in by_id.values()}

    def tags_of(self: ApplicationAutoScalingResponse, arn: str) -> dict[str, str]:
        if arn not in target_arns(self):
            raise ResourceNotFoundException(f"No scalable target found for {arn}.")
        return _tags(self.applicationautoscaling_backend).setdefault(arn, {})

    original_register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        answer = original_register(self)
        tags_of(self, json.loads(answer)["ScalableTargetARN"]).update(self._get_param("Tags") or {})
        return answer

    original_deregister = ApplicationAutoScalingResponse.deregister_scalable_target

    def deregister_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        before = target_arns(self)
        answer = original_deregister(self)
        for arn in before - target_arns(self):
            _tags(self.applicationautoscaling_backend).pop(arn, None)
        return answer

    def tag_resource(self: ApplicationAutoScalingResponse) -> str:
        tags_of(self, self._get_param("ResourceARN")).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self: ApplicationAutoScalingResponse) -> str:
        tags = tags_of(self, self._get_param("ResourceARN"))
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
        return json.dumps({"Tags": tags_of(self, self._get_param("ResourceARN"))})

    for handler in (register_scalable_target, deregister_scalable_target, tag_resource, untag_resource,
                    list_tags_for_resource):
        setattr(ApplicationAutoScalingResponse, handler.__name__, handler)
