"""Every message of the configuration, exactly as printed: file, field, the value as TOML, what is allowed.

Each case edits a copy of the repository's environment files and lists every line the loader prints
for it (file paths relative to the configuration directory), so a follow-on problem shows up as an
extra line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from envfiles import copy_environments, delete_value, set_value
from snippets import marked_block

from platform_constructs.config import load_platform
from platform_constructs.config.messages import suggestion, unknown_key, unknown_tier
from platform_constructs.errors import ConfigError

Edit = Callable[[Path], None]
NETWORK_KEYS = ("availability_zones, az_count, az_slots, cidr, flow_log_traffic, interface_endpoints, "
                "isolated_prefix_length, nat, private_prefix_length, public_prefix_length, subnets")


def setting(file: str, dotted: str, value: Any) -> Edit:
    return lambda directory: set_value(directory, file, dotted, value)


def removing(file: str, dotted: str) -> Edit:
    return lambda directory: delete_value(directory, file, dotted)


def renaming(file: str, dotted: str, new_key: str) -> Edit:
    """The key at ``dotted`` written as ``new_key`` instead (a misspelling), same value."""
    def apply(directory: Path) -> None:
        import tomllib

        node = tomllib.loads((directory / file).read_text())
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[part]
        delete_value(directory, file, dotted)
        set_value(directory, file, ".".join([*parents, new_key]), node[leaf])
    return apply


def printed(directory: Path, *edits: Edit) -> list[str]:
    for edit in edits:
        edit(directory)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    return [str(problem).replace(f"{directory}/", "") for problem in raised.value.problems]


# (case, edits, every line printed)
CASES: list[tuple[str, tuple[Edit, ...], list[str]]] = [
    ("a boolean floor shows false, not False",
     (setting("prod.toml", "kafka.prometheus_exporters", False),),
     ["prod.toml: kafka.prometheus_exporters = false: must be true in tier prod"]),
    ("a string floor quotes as TOML does",
     (setting("prod.toml", "network.nat", "single"),),
     ['prod.toml: network.nat = "single": must be "per_az" in tier prod']),
    ("a list floor shows a TOML array",
     (setting("staging.toml", "network.nat", "none"),),
     ['staging.toml: network.nat = "none": must be one of ["single", "per_az"] in tier staging']),
    ("an absent mandatory tag is absent, not None",
     (removing("prod.toml", "tags.Owner"),),
     ["prod.toml: tags.Owner is absent: required"]),
    ("an absent field the preset would not fill in says so",
     (removing("dev.toml", "dns.domain"),),
     ["dev.toml: dns.domain is absent: required; the dev preset has no default for it"]),
    ("a misspelled key gets a suggestion",
     (renaming("dev.toml", "network.cidr", "cidrr"),),
     [f'dev.toml: network.cidrr = "10.10.0.0/16": unknown key; did you mean cidr? Allowed keys here: {NETWORK_KEYS}']),
    ("a key nothing resembles gets the allowed keys only",
     (setting("dev.toml", "network.bogus", 1),),
     [f"dev.toml: network.bogus = 1: unknown key; allowed keys here: {NETWORK_KEYS}"]),
    ("a misspelled required key is one problem, not also its absence",
     (renaming("prod.toml", "tags.Owner", "Ownr"),),
     ['prod.toml: tags.Ownr = "platform-team": unknown key; did you mean Owner? Allowed keys here: Additional, '
      "CostCenter, DataClassification, Owner"]),
    ("a misspelled table is one problem, not also the absence of what it holds",
     (renaming("prod.toml", "network", "netwrok"),),
     ['prod.toml: netwrok = { cidr = "10.30.0.0/16" }: unknown key; did you mean network? Allowed keys here: apps, '
      "aws, data_access, dns, eks, ingress, kafka, logs, monitoring, name, naming, network, plan_guard, policy, "
      "postgres, redis, release, rollout, search, state, tags, tier"]),
    ("a misspelled tier is one problem naming the tiers",
     (setting("dev.toml", "tier", "dve"),),
     ['dev.toml: tier = "dve": unknown tier; did you mean "dev"? Known tiers: dev, staging, prod']),
    ("an unknown tier is one problem naming the tiers",
     (setting("dev.toml", "tier", "qa"),),
     ['dev.toml: tier = "qa": unknown tier; known tiers: dev, staging, prod']),
    ("an absent tier says what it is for",
     (removing("dev.toml", "tier"),),
     ["dev.toml: tier is absent: required: the tier whose preset supplies what the file leaves out, one of dev, "
      "staging, prod"]),
    ("a tier that is not a name",
     (setting("dev.toml", "tier", 2),),
     ["dev.toml: tier = 2: must be the name of a tier: dev, staging, prod"]),
    ("a misspelled tier still shows what the file writes wrong in itself",
     (setting("dev.toml", "tier", "dve"), setting("dev.toml", "network.az_count", "2"),
      setting("dev.toml", "network.bogus", 1)),
     ['dev.toml: tier = "dve": unknown tier; did you mean "dev"? Known tiers: dev, staging, prod',
      'dev.toml: network.az_count = "2": must be an integer, not a string: write 2 without quotes',
      f"dev.toml: network.bogus = 1: unknown key; allowed keys here: {NETWORK_KEYS}"]),
    ("a tier the name forbids is one problem, not the wrong preset's follow-ons",
     (setting("prod.toml", "tier", "dev"),),
     ['prod.toml: tier = "dev": must be "prod": the name "prod" implies tier prod']),
    ("a quoted number",
     (setting("dev.toml", "network.az_count", "3"),),
     ['dev.toml: network.az_count = "3": must be an integer, not a string: write 3 without quotes']),
    ("a quoted boolean",
     (setting("dev.toml", "policy.enforce", "false"),),
     ['dev.toml: policy.enforce = "false": must be true or false, not a string: write false without quotes']),
    ("a word for a boolean",
     (setting("dev.toml", "policy.enforce", "yes"),),
     ['dev.toml: policy.enforce = "yes": must be true or false, not a string']),
    ("a number for a string",
     (setting("prod.toml", "aws.account_id", 333333333333),),
     ["prod.toml: aws.account_id = 333333333333: must be a string (in double quotes), not an integer"]),
    ("an array for a table",
     (setting("dev.toml", "tags.Additional", ["team"]),),
     ['dev.toml: tags.Additional = ["team"]: must be a table, not an array']),
    ("a choice misspelled gets the likely one",
     (setting("dev.toml", "network.nat", "per-az"),),
     ['dev.toml: network.nat = "per-az": must be one of: "none", "single", "per_az"; did you mean "per_az"?']),
    ("a choice of the wrong type",
     (setting("dev.toml", "network.nat", 1),),
     ['dev.toml: network.nat = 1: must be one of: "none", "single", "per_az"']),
    ("a bound in the floors' words",
     (setting("dev.toml", "network.private_prefix_length", 12),),
     ["dev.toml: network.private_prefix_length = 12: must be at least 16"]),
    ("a string with quotes and a backslash",
     (setting("dev.toml", "aws.region", 'eu-"west\\1'),),
     ['dev.toml: aws.region = "eu-\\"west\\\\1": is not an AWS region the platform knows (config/regions.py); '
      "did you mean eu-west-1 or us-west-1 or eu-west-3?"]),
    ("staging parity compares TOML values",
     (setting("staging.toml", "search.zone_awareness", False),),
     ["staging.toml: search.zone_awareness = false: differs from prod (true); staging may differ from prod only in "
      "sizes and counts"]),
    ("staging parity shows a missing table and prod's as an inline table",
     (removing("staging.toml", "apps.api.autoscaling"),),
     ["staging.toml: apps.api.autoscaling is absent: differs from prod ({ min_replicas = 3, max_replicas = 12, "
      "target_cpu_utilization = 70 }); staging may differ from prod only in sizes and counts"]),
    ("the account registry's names are quoted as TOML",
     (setting("dev.toml", "aws.account_id", "333333333333"),),
     ['dev.toml: aws.account_id = "333333333333": is the account of "prod" in accounts.toml; one account holds one '
      'environment, and "dev" needs its own']),
]


@pytest.mark.parametrize(("case", "edits", "lines"), CASES, ids=[case[0] for case in CASES])
def test_every_line_printed_for_a_bad_input(tmp_path, case, edits, lines):
    directory = copy_environments(tmp_path)
    assert printed(directory, *edits) == lines


def test_the_cases_cover_each_kind_of_message_once():
    assert len({case for case, _, _ in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize(("name", "known", "expected"), [
    ("cidrr", ["az_count", "cidr", "nat"], "cidr"),
    ("Ownr", ["Additional", "CostCenter", "Owner"], "Owner"),
    ("prd", ["dev", "staging", "prod"], "prod"),
    ("bogus", ["az_count", "cidr", "nat"], None),
    ("", ["dev"], None),
])
def test_a_suggestion_is_the_close_known_name_or_none(name, known, expected):
    assert suggestion(name, known) == expected


def test_message_helpers_in_their_plain_forms():
    assert unknown_key("x", []) == "unknown key"
    assert unknown_tier(["prod"]) == "must be the name of a tier: dev, staging, prod"


def test_the_readme_example_is_what_the_loader_prints(tmp_path):
    directory = copy_environments(tmp_path / "environments")
    for edit in (renaming("dev.toml", "network.cidr", "cidrr"), setting("prod.toml", "network.az_count", 2),
                 setting("staging.toml", "kafka.prometheus_exporters", False)):
        edit(directory)
    with pytest.raises(ConfigError) as raised:
        load_platform(directory)
    shown = f"error: {raised.value}".replace(f"{tmp_path}/", "").splitlines()
    block = marked_block("output compared in tests/unit/platform_constructs/config/test_messages.py")
    documented = [line for line in block.text.splitlines() if not line.startswith(("$ ", "make: "))]
    assert len(documented) == len(shown) == 4
    for doc, real in zip(documented, shown, strict=True):
        assert real.startswith(doc.removesuffix("...")), (doc, real)
