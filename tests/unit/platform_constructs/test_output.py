"""Publishing synthesized stacks into cdktf.out: one atomic swap of a complete tree, Terraform's files kept.

Everything here runs on real directories (no cdktf): the stacks are small hand-made outputs.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
from pathlib import Path

import pytest
from trees import temporary_trees, tree_state

from platform_constructs import output as output_module
from platform_constructs.output import (
    OutputError,
    OutputPathError,
    PublishResult,
    SynthesizedOutput,
    SynthesizedStack,
    publish,
    read_synthesized,
    remove_tree,
    render_manifest,
    stable_json,
)

VERSION = "0.21.0"


def stack(name: str, marker: str = "v1") -> SynthesizedStack:
    entry = {"annotations": [], "constructPath": name, "dependencies": [], "name": name,
             "stackMetadataPath": f"stacks/{name}/metadata.json",
             "synthesizedStackPath": f"stacks/{name}/cdk.tf.json", "workingDirectory": f"stacks/{name}"}
    return SynthesizedStack(name, entry, {"cdk.tf.json": json.dumps({"stack": name, "marker": marker}).encode()})


def output(*stacks: SynthesizedStack) -> SynthesizedOutput:
    return SynthesizedOutput(VERSION, {item.name: item for item in stacks})


@pytest.fixture
def outdir(tmp_path) -> Path:
    """cdktf.out holding dev, prod and a retired stack, with Terraform's files in dev."""
    target = tmp_path / "cdktf.out"
    publish(target, output(stack("dev"), stack("prod"), stack("retired")))
    dev = target / "stacks" / "dev"
    (dev / ".terraform" / "providers").mkdir(parents=True)
    (dev / ".terraform" / "terraform.tfstate").write_text('{"backend": "s3"}')
    (dev / ".terraform" / "providers" / "aws").symlink_to("/opt/provider-mirror/aws")
    (dev / ".terraform.lock.hcl").write_text("# lock")
    (dev / "tfplan").write_bytes(b"\x00plan")
    return target


def test_a_first_publish_creates_the_tree_and_a_manifest_naming_every_stack(tmp_path):
    target = tmp_path / "out" / "cdktf.out"
    result = publish(target, output(stack("dev"), stack("prod")))
    assert result.swapped and result.written == ["dev", "prod"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == ["dev", "prod"] and manifest["version"] == VERSION
    assert read_synthesized(target) == output(stack("dev"), stack("prod"))
    assert temporary_trees(target) == []


def test_written_stacks_keep_terraform_files_and_kept_stacks_stay_identical(outdir):
    before = tree_state(outdir)
    result = publish(outdir, output(stack("dev", "v2")), keep={"prod", "retired"})
    after = tree_state(outdir)
    assert (result.written, result.kept, result.removed) == (["dev"], ["prod", "retired"], [])
    assert json.loads((outdir / "stacks" / "dev" / "cdk.tf.json").read_text())["marker"] == "v2"
    for name in (".terraform/terraform.tfstate", ".terraform/providers/aws", ".terraform.lock.hcl", "tfplan"):
        assert after[f"stacks/dev/{name}"] == before[f"stacks/dev/{name}"], name  # same content, inode, mtime
    assert {k: v for k, v in after.items() if k.startswith("stacks/prod/")} == \
        {k: v for k, v in before.items() if k.startswith("stacks/prod/")}
    assert sorted(json.loads((outdir / "manifest.json").read_text())["stacks"]) == ["dev", "prod", "retired"]
    assert temporary_trees(outdir) == []


def test_stacks_neither_written_nor_kept_are_removed_like_cdktf_does(outdir):
    result = publish(outdir, output(stack("dev"), stack("prod")))
    assert result.removed == ["retired"]
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == ["dev", "prod"]


def test_a_stack_synthesized_again_unchanged_keeps_its_files_and_nothing_is_renamed(outdir):
    before, inode = tree_state(outdir), outdir.stat().st_ino
    result = publish(outdir, output(stack("dev"), stack("prod")), keep={"retired"})
    assert result == PublishResult(written=[], unchanged=["dev", "prod"], kept=["retired"], removed=[],
                                   changed=False, swapped=False)
    assert tree_state(outdir) == before and outdir.stat().st_ino == inode
    assert temporary_trees(outdir) == []


def test_the_manifest_matches_cdktf_stable_stringify():
    # json-stable-stringify with two spaces, as cdktf 0.21 writes manifest.json: empty lists on two lines
    assert stable_json({"b": [], "a": {"c": [1, "x"], "d": {}}}) == (
        '{\n  "a": {\n    "c": [\n      1,\n      "x"\n    ],\n    "d": {\n    }\n  },\n  "b": [\n  ]\n}')
    assert render_manifest(VERSION, {}) == b'{\n  "stacks": {\n  },\n  "version": "0.21.0"\n}'


def test_the_directory_keeps_its_mode_and_a_symlinked_output_stays_a_symlink(tmp_path):
    real = tmp_path / "real"
    publish(real, output(stack("dev")))
    real.chmod(0o750)
    link = tmp_path / "cdktf.out"
    link.symlink_to(real)
    publish(link, output(stack("dev", "v2")))
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o750
    assert json.loads((real / "stacks" / "dev" / "cdk.tf.json").read_text())["marker"] == "v2"


@pytest.mark.parametrize(("make", "message"), [
    (lambda out: out.write_text("not a directory"), "is a file, not a directory (the output directory)"),
    (lambda out: out.parent.joinpath("file").write_text("x"), "is a file, not a directory (a parent of"),
], ids=["output-is-a-file", "parent-is-a-file"])
def test_an_output_path_that_is_a_file_is_refused_before_anything_is_written(tmp_path, make, message):
    target = tmp_path / "cdktf.out"
    make(target)
    if not target.exists():
        target = tmp_path / "file" / "cdktf.out"
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(OutputPathError, match=r"is a file") as raised:
        publish(target, output(stack("dev")))
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _fifo_in_dev(out: Path) -> None:
    os.mkfifo(out / "stacks" / "dev" / "pipe")


def _socket_in_dev_terraform(out: Path) -> None:
    here = os.getcwd()
    os.chdir(out / "stacks" / "dev" / ".terraform")  # a socket path is limited to 108 bytes
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind("plugin.sock")
    finally:
        os.chdir(here)


def _immutable(out: Path) -> None:
    """chattr +i: not even root may rename the directory (the swap fails at its last step)."""
    if os.geteuid() != 0 or shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(out)], capture_output=True, check=False).returncode != 0:
        pytest.skip("needs root and chattr on a file system with the immutable attribute")


FAILURES = [
    (_fifo_in_dev, "not a file, directory or symbolic link"),
    (_socket_in_dev_terraform, "not a file, directory or symbolic link"),
    (_immutable, "cannot publish .*Operation not permitted"),
]


@pytest.mark.parametrize(("break_it", "message"), FAILURES, ids=["fifo-in-a-stack-directory", "socket-in-terraform-dir",
                                                                  "immutable-output-directory"])
def test_a_failed_publish_leaves_every_stack_old_and_no_temporary_tree(outdir, break_it, message):
    break_it(outdir)
    try:
        before = tree_state(outdir)
        with pytest.raises(OutputError, match=message) as raised:
            publish(outdir, output(stack("dev", "v2"), stack("prod", "v2")))
        assert "\n" not in str(raised.value)
        assert tree_state(outdir) == before
        assert temporary_trees(outdir) == []
    finally:
        subprocess.run(["chattr", "-i", str(outdir)], capture_output=True, check=False)


def test_a_kept_stack_missing_from_disk_is_dropped_from_the_manifest(outdir):
    remove_tree(outdir / "stacks" / "prod")
    (outdir / "stacks" / "prod").write_text("a file where the stack directory was")
    result = publish(outdir, output(stack("dev", "v2")), keep={"prod", "retired"})
    assert result.kept == ["retired"] and "prod" in result.removed
    assert sorted(json.loads((outdir / "manifest.json").read_text())["stacks"]) == ["dev", "retired"]


@pytest.mark.parametrize("manifest", [b"", b"{", b'{"stacks": []}', b"\xff\xfe"], ids=["empty", "truncated",
                                                                                    "wrong-shape", "not-utf8"])
def test_a_damaged_manifest_is_replaced_and_names_no_kept_stack(outdir, manifest):
    (outdir / "manifest.json").write_bytes(manifest)
    result = publish(outdir, output(stack("dev", "v2")), keep={"prod"})
    assert result.kept == [] and result.swapped and result.removed == ["prod", "retired"]
    assert sorted(json.loads((outdir / "manifest.json").read_text())["stacks"]) == ["dev"]


def test_without_an_atomic_exchange_the_old_tree_is_moved_aside_and_back_on_failure(outdir, monkeypatch):
    """The fallback for file systems without renameat2(RENAME_EXCHANGE)."""
    monkeypatch.setattr(output_module, "_exchange", lambda first, second: False)
    publish(outdir, output(stack("dev", "v2")), keep={"prod"})
    assert json.loads((outdir / "stacks" / "dev" / "cdk.tf.json").read_text())["marker"] == "v2"
    assert temporary_trees(outdir) == []

    before = tree_state(outdir)
    real_rename = os.rename

    def refuse_the_new_tree(source, target):
        if Path(source).name.startswith(".cdktf.out.") and not Path(source).name.endswith(".old"):
            raise PermissionError(13, "Permission denied", str(target))
        real_rename(source, target)

    monkeypatch.setattr(output_module.os, "rename", refuse_the_new_tree)
    with pytest.raises(OutputError, match=r"cannot publish .*Permission denied"):
        publish(outdir, output(stack("dev", "v3")), keep={"prod"})
    monkeypatch.setattr(output_module.os, "rename", real_rename)
    assert tree_state(outdir) == before
    assert temporary_trees(outdir) == []


def test_remove_tree_removes_read_only_directories(tmp_path):
    tree = tmp_path / "tree"
    (tree / "locked").mkdir(parents=True)
    (tree / "locked" / "file").write_text("x")
    (tree / "locked").chmod(0o555)
    remove_tree(tree)
    assert not tree.exists()
