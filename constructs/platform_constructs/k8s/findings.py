"""Cross-field rules of the k8s props, reported at the field they concern.

A pydantic model validator normally reports at the model's own location; raising a
``ValidationError`` whose entries carry field locations makes the configuration loader name the
exact field (``rollout.progress_deadline``), with its value, for every broken rule at once.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

#: ``(dotted field, value, message)``, as the configuration rules in ``config/rules.py`` return them.
Finding = tuple[str, object, str]


def raise_findings(title: str, findings: list[Finding]) -> None:
    """Raise one ``ValidationError`` holding every finding; do nothing when there are none."""
    if findings:
        raise ValidationError.from_exception_data(title, [
            InitErrorDetails(type=PydanticCustomError("rule", message), loc=tuple(field.split(".")), input=value)
            for field, value, message in findings
        ])
