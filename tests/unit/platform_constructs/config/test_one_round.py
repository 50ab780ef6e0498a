"""One round of messages: fixing what the loader reports leaves nothing new to report.

Each scenario breaks several files at once, in different ways (schema errors, tier floors, rules of one
file, rules across files). The first load must name every broken field, and nothing else; loading again
with exactly those fields fixed must succeed. A value reported as a problem is no basis for judging
others, so no follow-on problem appears either.

What still needs a second round, and why, is pinned by the last test: a rule that needs a value that did
not validate, files bound to an account registry that does not load, and a file whose tier names no preset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from envfiles import copy_environments, set_value

from platform_constructs.config import load_platform
from platform_constructs.errors import ConfigError

# (file, field, bad value, good value)
Break = tuple[str, str, Any, Any]

SCENARIOS: list[tuple[str, list[Break], set[tuple[str, str]]]] = [
    ("a schema error, a rule of the same file, a floor and a cross-file rule",
     [("dev.toml", "tags.DataClassification", "secret", "internal"),
      ("dev.toml", "kafka.broker_count", 3, 2),
      ("staging.toml", "network.cidr", "10.10.0.0/16", "10.20.0.0/16"),
      ("prod.toml", "network.nat", "single", "per_az"),
      ("shared.toml", "naming.prefix", "X", "acme")],
     # the overlap is reported on the first of the two files in name order
     {("dev.toml", "tags.DataClassification"), ("dev.toml", "kafka.broker_count"), ("dev.toml", "network.cidr"),
      ("prod.toml", "network.nat"), ("shared.toml", "naming.prefix")}),
    ("schema errors in every file, rules still judge what validated",
     [("dev.toml", "network.az_count", "2", 2),
      ("dev.toml", "postgres.bogus", 1, None),
      ("staging.toml", "logs.retention_days", 10, 365),
      ("staging.toml", "search.zone_awareness", False, True),
      ("prod.toml", "tags.Owner", 7, "platform-team"),
      ("prod.toml", "redis.multi_az", False, True)],
     {("dev.toml", "network.az_count"), ("dev.toml", "postgres.bogus"), ("staging.toml", "logs.retention_days"),
      ("staging.toml", "search.zone_awareness"), ("prod.toml", "tags.Owner"), ("prod.toml", "redis.multi_az")}),
    ("a value refused in prod is not the measure of staging",
     [("prod.toml", "network.flow_log_traffic", "REJECT", "ALL")],
     {("prod.toml", "network.flow_log_traffic")}),
    ("a value refused by a floor is not the measure of the file's own rules",
     [("prod.toml", "network.az_count", 2, 3)],
     {("prod.toml", "network.az_count")}),
    ("a tier the name forbids hides nothing the file writes wrong in itself",
     [("prod.toml", "tier", "dev", "prod"),
      ("prod.toml", "network.bogus", 1, None),
      ("dev.toml", "network.nat", "perAZ", "single")],
     {("prod.toml", "tier"), ("prod.toml", "network.bogus"), ("dev.toml", "network.nat")}),
    ("misspellings of a tier and of a key",
     [("staging.toml", "tier", "stagin", "staging"),
      ("prod.toml", "network.cidrr", "10.30.0.0/16", None)],
     {("staging.toml", "tier"), ("prod.toml", "network.cidrr")}),
]


def reported(directory: Path) -> set[tuple[str, str]]:
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    return {(Path(problem.file).name, problem.field) for problem in raised.value.problems}


def apply(directory: Path, breaks: list[Break], column: int) -> None:
    for file, field, *values in breaks:
        value = values[column]
        if value is None:
            _delete(directory / file, field)
        else:
            set_value(directory, file, field, value)


def _delete(path: Path, field: str) -> None:
    from envfiles import delete_value

    delete_value(path.parent, path.name, field)


@pytest.mark.parametrize(("case", "breaks", "expected"), SCENARIOS, ids=[case[0] for case in SCENARIOS])
def test_one_round_names_every_broken_field_and_fixing_them_is_enough(tmp_path, case, breaks, expected):
    directory = copy_environments(tmp_path)
    apply(directory, breaks, 0)
    assert reported(directory) == expected
    apply(directory, breaks, 1)
    load_platform(directory)


# (case, breaks of round one, fields of round one, fields that only round two can show and why)
SECOND_ROUNDS: list[tuple[str, list[Break], set[tuple[str, str]], set[tuple[str, str]]]] = [
    # the Kafka rule needs network.az_count; "3" is no zone count, so 4 brokers cannot be judged yet
    ("a rule that needs a value that did not validate",
     [("dev.toml", "network.az_count", "3", 3), ("dev.toml", "kafka.broker_count", 4, 3)],
     {("dev.toml", "network.az_count")}, {("dev.toml", "kafka.broker_count")}),
    # which account holds which environment is known once accounts.toml loads
    ("files bound to an account registry that does not load",
     [("accounts.toml", "accounts.111111111111.protected", "yes", False),
      ("dev.toml", "aws.account_id", "999999999999", "111111111111")],
     {("accounts.toml", "accounts.111111111111.protected")}, {("dev.toml", "aws.account_id")}),
    # the floors of a tier are known once the tier is
    ("a file whose tier names no preset",
     [("prod.toml", "tier", "prd", "prod"), ("prod.toml", "network.nat", "single", "per_az")],
     {("prod.toml", "tier")}, {("prod.toml", "network.nat")}),
]


@pytest.mark.parametrize(("case", "breaks", "first", "second"), SECOND_ROUNDS, ids=[case[0] for case in SECOND_ROUNDS])
def test_what_needs_a_second_round(tmp_path, case, breaks, first, second):
    directory = copy_environments(tmp_path)
    apply(directory, breaks, 0)
    assert reported(directory) == first
    fixed = [item for item in breaks if (item[0], item[1]) in first]
    apply(directory, fixed, 1)
    assert reported(directory) == second
    apply(directory, breaks, 1)
    load_platform(directory)
