"""The synth cache: what its key covers (each kind of input changes it), and damaged entries.

No cdktf: keys are computed from files and fingerprints, entries hold hand-made outputs.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from platform_constructs.output import SynthesizedOutput, SynthesizedStack
from platformctl import synth_cache
from platformctl.synth_cache import (
    CacheEntryCorrupt,
    Fingerprint,
    SynthCache,
    files_read_by,
    owner_key,
    recording_reads,
    synth_environment,
)

ENVIRONMENTS = {"dev": "/cfg/dev.toml", "prod": "/cfg/prod.toml"}
READ = {"/cfg/shared.toml": b"shared", "/cfg/dev.toml": b"dev", "/cfg/prod.toml": b"prod",
        "/cfg/accounts.toml": b"registry"}
FINGERPRINT = Fingerprint(source="src", distributions=("cdktf-0.21.0.dist-info",), python="3.11.7",
                          node="/node:1:2", environment=synth_environment({}))


def key(owner: str = "dev", read: dict[str, bytes] = READ, fingerprint: Fingerprint = FINGERPRINT,
        stacks: tuple[str, ...] = ("dev", "dev-app-api")) -> str:
    files = files_read_by(owner, read, ENVIRONMENTS, reads_every_file=owner == "shared", base=Path("/cfg"))
    return owner_key(owner, stacks, files, fingerprint)


def changed(path: str) -> dict[str, bytes]:
    return {**READ, path: READ[path] + b" changed"}


#: (what changes, owner, whether the owner's key must change)
KEY_INPUTS = [
    ("its own environment file", "dev", changed("/cfg/dev.toml"), FINGERPRINT, True),
    ("another environment's file", "dev", changed("/cfg/prod.toml"), FINGERPRINT, False),
    ("shared.toml", "dev", changed("/cfg/shared.toml"), FINGERPRINT, True),
    ("a non-environment file the loader read", "dev", changed("/cfg/accounts.toml"), FINGERPRINT, True),
    ("a new file the loader read", "dev", {**READ, "/etc/platform/registry.toml": b"new"}, FINGERPRINT, True),
    ("any environment file, for bootstrap and shared", "shared", changed("/cfg/prod.toml"), FINGERPRINT, True),
    ("the library source", "dev", READ, dataclasses.replace(FINGERPRINT, source="src2"), True),
    ("an installed distribution", "dev", READ,
     dataclasses.replace(FINGERPRINT, distributions=("cdktf-0.21.1.dist-info",)), True),
    ("the Python version", "dev", READ, dataclasses.replace(FINGERPRINT, python="3.11.8"), True),
    ("the node executable", "dev", READ, dataclasses.replace(FINGERPRINT, node="/other-node:1:2"), True),
    ("HCL output", "dev", READ,
     dataclasses.replace(FINGERPRINT, environment=synth_environment({"SYNTH_HCL_OUTPUT": "true"})), True),
    ("the cdktf context", "dev", READ,
     dataclasses.replace(FINGERPRINT, environment=synth_environment({"CDKTF_CONTEXT_JSON": '{"x": 1}'})), True),
    ("the empty module list cdktf's CLI always passes", "dev", READ,
     dataclasses.replace(FINGERPRINT, environment=synth_environment(
         {"CDKTF_CONTEXT_JSON": '{"cdktfRelativeModules": []}', "SYNTH_HCL_OUTPUT": "false"})), False),
]


@pytest.mark.parametrize(("change", "owner", "read", "fingerprint", "rebuilds"), KEY_INPUTS,
                         ids=[case[0] for case in KEY_INPUTS])
def test_each_input_kind_changes_the_key_of_the_stacks_that_read_it(change, owner, read, fingerprint, rebuilds):
    assert (key(owner, read, fingerprint) != key(owner)) is rebuilds, change


def test_the_key_names_the_owner_and_its_stacks():
    assert key("dev") != key("prod", stacks=("dev", "dev-app-api"))
    assert key("dev") != key("dev", stacks=("dev",))


def test_files_are_labelled_relative_to_the_environments_directory_so_a_copy_shares_entries():
    moved = {path.replace("/cfg/", "/elsewhere/"): content for path, content in READ.items()}
    here = files_read_by("dev", READ, ENVIRONMENTS, reads_every_file=False, base=Path("/cfg"))
    moved_environments = {name: path.replace("/cfg/", "/elsewhere/") for name, path in ENVIRONMENTS.items()}
    there = files_read_by("dev", moved, moved_environments, reads_every_file=False, base=Path("/elsewhere"))
    assert here == there and sorted(here) == ["accounts.toml", "dev.toml", "shared.toml"]


def test_the_fingerprint_covers_the_source_tree_distributions_and_node(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    (package / "config" / "presets").mkdir(parents=True)
    (package / "module.py").write_text("X = 1\n")
    (package / "config" / "presets" / "network.toml").write_text("[dev]\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"bytecode")
    site = tmp_path / "site"
    (site / "cdktf-0.21.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\n")
    monkeypatch.setenv("JSII_NODE", str(node))
    first = Fingerprint.current(package)
    assert "cdktf-0.21.0.dist-info" in first.distributions and first.node.startswith(str(node))

    (package / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"other bytecode")
    assert Fingerprint.current(package) == first  # bytecode follows the source
    (package / "config" / "presets" / "network.toml").write_text("[dev]\naz_count = 2\n")
    assert Fingerprint.current(package).source != first.source
    os.rename(site / "cdktf-0.21.0.dist-info", site / "cdktf-0.21.1.dist-info")
    assert "cdktf-0.21.1.dist-info" in Fingerprint.current(package).distributions
    node.write_text("#!/bin/sh\n# another build\n")
    assert Fingerprint.current(package).node != first.node


def test_the_loader_s_reads_are_recorded_except_module_files_and_the_library_source(tmp_path):
    config, library = tmp_path / "environments", tmp_path / "library"
    config.mkdir()
    library.mkdir()
    (config / "dev.toml").write_text("name = 'dev'")
    (library / "preset.toml").write_text("[dev]")
    (tmp_path / "module.py").write_text("")
    (tmp_path / "written.txt").write_text("")
    with recording_reads(ignore_under=library) as read:
        (config / "dev.toml").read_text()
        (library / "preset.toml").read_text()
        (tmp_path / "module.py").read_text()
        (tmp_path / "written.txt").write_text("out")
    (config / "dev.toml").read_text()  # after the block: not recorded
    assert read == {str(config / "dev.toml"): b"name = 'dev'"}


def stacks_output(marker: str = "v1") -> SynthesizedOutput:
    return SynthesizedOutput("0.21.0", {name: SynthesizedStack(name, {"name": name, "annotations": []},
                                                               {"cdk.tf.json": f'{{"{name}": "{marker}"}}'.encode()})
                                        for name in ("dev", "dev-app-api")})


@pytest.fixture
def cache(tmp_path) -> SynthCache:
    return SynthCache(tmp_path / "cache")


def test_an_entry_round_trips(cache):
    cache.store("k" * 64, "dev", stacks_output())
    assert cache.load("k" * 64, "dev", ["dev-app-api", "dev"]) == stacks_output()
    assert cache.load("m" * 64, "dev", ["dev", "dev-app-api"]) is None


def _flip_a_byte(raw: bytes) -> bytes:
    index = raw.index(b"v1") + 1
    return raw[:index] + b"X" + raw[index + 1:]


def _other_key(raw: bytes) -> bytes:
    body = json.loads(raw.partition(b"\n")[2])
    body["key"] = "o" * 64
    text = json.dumps(body, sort_keys=True).encode()
    return f"sha256:{synth_cache.hashlib.sha256(text).hexdigest()}\n".encode() + text


DAMAGE = [
    ("a flipped byte", _flip_a_byte),
    ("truncated", lambda raw: raw[: len(raw) // 2]),
    ("empty", lambda raw: b""),
    ("no header", lambda raw: raw.partition(b"\n")[2]),
    ("valid hash, another key's content", _other_key),
    ("valid hash, not JSON", lambda raw: f"sha256:{synth_cache.hashlib.sha256(b'[').hexdigest()}\n[".encode()),
]


@pytest.mark.parametrize("damage", [case[1] for case in DAMAGE], ids=[case[0] for case in DAMAGE])
def test_a_damaged_entry_is_detected_and_removed(cache, damage):
    cache.store("k" * 64, "dev", stacks_output())
    entry = cache.directory / f"{'k' * 64}.entry"
    entry.write_bytes(damage(entry.read_bytes()))
    with pytest.raises(CacheEntryCorrupt):
        cache.load("k" * 64, "dev", ["dev", "dev-app-api"])
    assert not entry.exists()
    assert cache.load("k" * 64, "dev", ["dev", "dev-app-api"]) is None


def test_output_that_is_not_text_is_not_cached(cache):
    binary = SynthesizedOutput("0.21.0", {"dev": SynthesizedStack("dev", {}, {"cdk.tf.json": b"\xff"})})
    cache.store("k" * 64, "dev", binary)
    assert cache.load("k" * 64, "dev", ["dev"]) is None


def test_the_least_recently_used_entries_go_when_the_bound_is_exceeded(tmp_path):
    probe = SynthCache(tmp_path / "probe")
    probe.store("p" * 64, "dev", stacks_output())
    entry_size = (probe.directory / f"{'p' * 64}.entry").stat().st_size
    cache = SynthCache(tmp_path / "cache", max_bytes=2 * entry_size)  # room for two entries
    first, second, third = (f"{index}" * 64 for index in range(1, 4))
    for index, name in enumerate((first, second)):
        cache.store(name, "dev", stacks_output())
        os.utime(cache.directory / f"{name}.entry", ns=(index * 10**9, index * 10**9))  # stored long ago, in order
    cache.load(first, "dev", ["dev", "dev-app-api"])  # the oldest is used again: now the most recent
    cache.store(third, "dev", stacks_output())
    assert sorted(path.stem for path in cache.directory.glob("*.entry")) == sorted([first, third])
    cache.clear()
    assert not cache.directory.exists()
