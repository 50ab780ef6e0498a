"""The one validation shape: Problem, ConstructValidationError, refuse, and the bridge into pydantic validators."""

from __future__ import annotations

import pytest
from pydantic import ValidationError, model_validator

from platform_constructs.errors import ConfigError, ConstructValidationError, Problem, refuse
from platform_constructs.props import Props, StrictInt, refuse_in_validator

BROKERS = Problem("kafka.broker-count", "broker_count", 3, "cannot be spread evenly over 2 zones")
REPLICAS = Problem("kafka.replication-factor", "replication_factor", 4, "needs as many brokers")


def test_a_problem_is_placed_and_located_without_changing_the_rest():
    placed = BROKERS.under("kafka.").in_file("environments/dev.toml")
    assert placed == Problem("kafka.broker-count", "kafka.broker_count", 3, "cannot be spread evenly over 2 zones",
                             "environments/dev.toml")
    assert str(placed) == "environments/dev.toml: kafka.broker_count = 3: cannot be spread evenly over 2 zones"
    assert str(BROKERS) == "broker_count = 3: cannot be spread evenly over 2 zones"


@pytest.mark.parametrize("code", ["environments/dev.toml", "broker_count", "Kafka.Broker", "kafka", ""])
def test_a_problem_needs_a_rule_id_first(code):
    with pytest.raises(ValueError, match=r"must be a rule id such as 'kafka\.broker-count'"):
        Problem(code, "broker_count", 3, "cannot be spread evenly over 2 zones")


def test_one_problem_reads_as_one_line_with_path_field_value_and_rule():
    error = ConstructValidationError([BROKERS], "test/Kafka")
    assert str(error) == "[test/Kafka] broker_count = 3: cannot be spread evenly over 2 zones (kafka.broker-count)"
    assert (error.code, error.field, error.value, error.message) == (
        "kafka.broker-count", "broker_count", 3, "cannot be spread evenly over 2 zones")


def test_several_problems_are_listed_one_per_line():
    error = ConstructValidationError([BROKERS, REPLICAS], "test/Kafka")
    assert error.problems == (BROKERS, REPLICAS)
    assert str(error) == (
        "[test/Kafka] 2 problems:\n"
        "  - broker_count = 3: cannot be spread evenly over 2 zones (kafka.broker-count)\n"
        "  - replication_factor = 4: needs as many brokers (kafka.replication-factor)")
    assert error.at("other/Kafka").path == "other/Kafka"
    assert error.at("other/Kafka").problems == error.problems


def test_an_error_without_problems_cannot_exist():
    with pytest.raises(ValueError, match="at least one problem"):
        ConstructValidationError([], "test/Kafka")


def test_refuse_raises_every_problem_and_passes_none():
    refuse([], "test/Kafka")
    with pytest.raises(ConstructValidationError) as raised:
        refuse([BROKERS, REPLICAS], "test/Kafka")
    assert (raised.value.problems, raised.value.path) == ((BROKERS, REPLICAS), "test/Kafka")


def test_config_errors_list_every_problem_with_its_file():
    error = ConfigError([BROKERS.under("kafka.").in_file("dev.toml"), REPLICAS.under("kafka.").in_file("prod.toml")])
    assert str(error) == (
        "invalid environment configuration (2 problem(s)):\n"
        "  - dev.toml: kafka.broker_count = 3: cannot be spread evenly over 2 zones\n"
        "  - prod.toml: kafka.replication_factor = 4: needs as many brokers")


class _Window(Props):
    start: StrictInt
    end: StrictInt

    @model_validator(mode="after")
    def _ordered(self) -> _Window:
        problems = []
        if self.end <= self.start:
            problems.append(Problem("test.window-order", "end", self.end, f"must be after start ({self.start})"))
        if self.end - self.start > 10:
            problems.append(Problem("test.window-length", "start", self.start, "leaves a window longer than {10}"))
        refuse_in_validator(type(self).__name__, problems)
        return self


def test_problems_in_a_validator_become_one_validation_error_at_their_fields():
    assert _Window(start=1, end=2).end == 2
    with pytest.raises(ValidationError) as raised:
        _Window(start=5, end=4)
    assert [(error["type"], error["loc"], error["input"], error["msg"]) for error in raised.value.errors()] == [
        ("test.window-order", ("end",), 4, "must be after start (5)")]


def test_messages_with_braces_reach_the_reader_unchanged():
    with pytest.raises(ValidationError) as raised:
        _Window(start=-20, end=0)
    assert [error["msg"] for error in raised.value.errors()] == ["leaves a window longer than {10}"]
