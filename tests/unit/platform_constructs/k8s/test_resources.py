"""Compute resources: quantity parsing, limits at least the requests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from platform_constructs.k8s.resources import ComputeResources, quantity_value


@pytest.mark.parametrize(("text", "value"), [
    ("250m", Decimal("0.25")), ("1", Decimal(1)), ("0.5", Decimal("0.5")), ("512Mi", Decimal(512 * 2**20)),
    ("1Gi", Decimal(2**30)), ("1G", Decimal(10**9)), ("128k", Decimal(128_000)),
])
def test_quantities_parse_to_base_units(text, value):
    assert quantity_value(text) == value


def test_defaults_request_and_limit_both_resources():
    resources = ComputeResources()
    assert resources.requests.terraform() == {"cpu": "100m", "memory": "128Mi"}
    assert resources.limits.terraform() == {"cpu": "500m", "memory": "256Mi"}


@pytest.mark.parametrize(("data", "location", "message"), [
    ({"limits": {"cpu": "50m", "memory": "256Mi"}}, ("limits", "cpu"), "is below requests.cpu (100m)"),
    ({"limits": {"cpu": "1", "memory": "100Mi"}}, ("limits", "memory"), "is below requests.memory (128Mi)"),
    ({"requests": {"cpu": "1 core", "memory": "1Gi"}}, ("requests", "cpu"), "not a Kubernetes quantity"),
    ({"requests": {"cpu": "0", "memory": "1Gi"}}, ("requests", "cpu"), "must be greater than zero"),
    ({"requests": {"cpu": "100m"}}, ("requests", "memory"), "Field required"),
    ({"requests": {"cpu": 1, "memory": "1Gi"}}, ("requests", "cpu"), "Input should be a valid string"),
])
def test_bad_resources_are_refused_at_the_field(data, location, message):
    with pytest.raises(ValidationError) as caught:
        ComputeResources.model_validate(data)
    assert any(error["loc"] == location and message in error["msg"] for error in caught.value.errors()), \
        caught.value.errors()
