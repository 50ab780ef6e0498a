"""Values in messages are shown as the environment file writes them: TOML, not Python."""

from __future__ import annotations

import datetime

import pytest

from platform_constructs.duration import Duration
from platform_constructs.errors import Problem, toml_value
from platform_constructs.k8s.rollout_props import RolloutProps
from platform_constructs.k8s.scale import Count, Percent
from platform_constructs.k8s.workload_props import Autoscaling

# (value, as TOML)
VALUES = [
    (False, "false"),
    (True, "true"),
    (0, "0"),
    (-3, "-3"),
    (2.5, "2.5"),
    (float("inf"), "inf"),
    (float("-inf"), "-inf"),
    (float("nan"), "nan"),
    ("per_az", '"per_az"'),
    ("", '""'),
    ("it's", '"it\'s"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("C:\\temp", '"C:\\\\temp"'),
    ("two\nlines\tand a tab", '"two\\nlines\\tand a tab"'),
    ("bell\x07 and del\x7f", '"bell\\u0007 and del\\u007F"'),
    ("prоd", '"prоd"'),  # a Cyrillic o stays itself: it is what the file holds
    (["single", "per_az"], '["single", "per_az"]'),
    (("api", 3, False), '["api", 3, false]'),
    ([], "[]"),
    ({"min_replicas": 2, "max_replicas": 6}, "{ min_replicas = 2, max_replicas = 6 }"),
    ({"aws:createdBy": "me", "Team": "x"}, '{ "aws:createdBy" = "me", Team = "x" }'),
    ({"unset": None, "set": 1}, "{ set = 1 }"),
    ({}, "{}"),
    ({"nested": {"list": [1, {"a": True}]}}, "{ nested = { list = [1, { a = true }] } }"),
    (frozenset({"b", "a"}), '["a", "b"]'),
    (datetime.date(2027, 1, 1), "2027-01-01"),
    (Autoscaling(min_replicas=2, max_replicas=6),
     "{ min_replicas = 2, max_replicas = 6, target_cpu_utilization = 70 }"),
    (Duration.minutes(15), '"15m"'),
    (Percent(25), '"25%"'),
    (Count(1), "1"),
    (object.__new__(type("Opaque", (), {"__str__": lambda self: "opaque"})), '"opaque"'),
]


@pytest.mark.parametrize(("value", "toml"), VALUES, ids=[case[1][:40] for case in VALUES])
def test_a_value_is_shown_as_toml(value, toml):
    assert toml_value(value) == toml


def test_a_frozen_model_is_shown_by_the_keys_the_file_writes():
    rollout = RolloutProps.model_validate({"max_surge": "25%", "max_unavailable": 0, "rto": "15m"})
    shown = toml_value(rollout)
    assert shown.startswith("{ ") and 'max_surge = "25%"' in shown and 'rto = "15m"' in shown
    assert "max_unavailable = 0," in shown and "None" not in shown and "Duration(" not in shown
    assert "rto_estimate" not in shown  # derived, not a key of the file


# (problem, how it is printed)
PROBLEMS = [
    (Problem("floor.equals", "kafka.prometheus_exporters", False, "must be true in tier prod", "prod.toml"),
     "prod.toml: kafka.prometheus_exporters = false: must be true in tier prod"),
    (Problem("schema.missing", "tags.Owner", None, "required", "prod.toml"),
     "prod.toml: tags.Owner is absent: required"),
    (Problem("schema.literal_error", "network.nat", "per-az", "must be one of ...", "dev.toml"),
     'dev.toml: network.nat = "per-az": must be one of ...'),
    (Problem("eks.deploy-role-admin", "eks.admin_roles", ("platform-admin",), "must include ...", "dev.toml"),
     'dev.toml: eks.admin_roles = ["platform-admin"]: must include ...'),
    (Problem("config.toml-syntax", "<syntax>", None, "not valid TOML: ...", "dev.toml"),
     "dev.toml: <syntax>: not valid TOML: ..."),
    (Problem("config.directory", "<directory>", None, "does not exist", "environments"),
     "environments: <directory>: does not exist"),
]


@pytest.mark.parametrize(("problem", "printed"), PROBLEMS, ids=[case[1].split(":")[1].strip() for case in PROBLEMS])
def test_a_problem_names_file_field_and_toml_value(problem, printed):
    assert str(problem) == printed
