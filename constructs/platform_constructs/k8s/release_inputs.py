"""The per-release inputs of one application: its image and change cause, as stack-level Terraform variables.

Variables live at stack level (a variable inside a construct gets a hashed name), so the pipeline
passes exactly ``-var image_<app>=<reference> -var change_cause_<app>=<git sha>``. Neither has a
default: an apply without them stops at plan time instead of rolling an unintended image.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_constructs._internal.tf import (
    TerraformLocal,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
)
from platform_constructs.k8s.image_policy import (
    ImagePolicy,
    change_cause_variable_name,
    image_variable_name,
    parsed_image_local_name,
)

#: Longest change cause accepted; ``kubectl rollout history`` prints it on one line.
MAX_CHANGE_CAUSE_LENGTH = 256


@dataclass(frozen=True)
class ReleaseInputs:
    """Expressions an application's resources use.

    Attributes:
        image: the container image, rebuilt from the validated reference (``repo@sha256:…`` or ``repo:tag``).
        change_cause: the ``kubernetes.io/change-cause`` annotation value.
    """

    image: str
    change_cause: str


def release_inputs(stack: TerraformStack, app: str, policy: ImagePolicy) -> ReleaseInputs:
    """Declare ``image_<app>`` and ``change_cause_<app>`` on ``stack`` and return their expressions."""
    image_name, cause_name = image_variable_name(app), change_cause_variable_name(app)
    TerraformVariable(
        stack, image_name, type="string", nullable=False,
        description=f"Image of {app}: {policy.repository}@sha256:<digest>"
                    + (" (a tag is accepted here)." if policy.pinning == "tag" else " (digest required)."),
        validation=[TerraformVariableValidationConfig(condition=policy.condition(image_name),
                                                      error_message=policy.error_message(image_name))],
    )
    TerraformVariable(
        stack, cause_name, type="string", nullable=False,
        description=f"kubernetes.io/change-cause of {app}'s deployment: the git SHA (or why) of this release.",
        validation=[TerraformVariableValidationConfig(
            condition=f"${{length(trimspace(var.{cause_name})) > 0 "
                      f"&& length(var.{cause_name}) <= {MAX_CHANGE_CAUSE_LENGTH}}}",
            error_message=f"The value of {cause_name} must be 1 to {MAX_CHANGE_CAUSE_LENGTH} characters, "
                          "e.g. the git SHA of the release.",
        )],
    )
    parsed = TerraformLocal(stack, parsed_image_local_name(app), f"${{{policy.parse_expression(image_name)}}}")
    return ReleaseInputs(image=policy.deployed_reference(f"local.{parsed.friendly_unique_id}"),
                         change_cause=f"${{var.{cause_name}}}")
