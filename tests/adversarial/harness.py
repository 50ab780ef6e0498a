"""What every adversarial case checks, and the inputs they share.

A case ends with the documented exit code, a message naming the field or file, no traceback,
and (where something was synthesized before) the previous ``cdktf.out`` byte for byte as it was.
Cases run in-process (``platformctl`` and ``run_synth`` return before cdktf is imported when the
input is refused), so the whole suite takes seconds; tests/adversarial/test_entrypoints.py runs
a handful through real subprocesses.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from platform_constructs.stacks.names import BOOTSTRAP_STACK, stack_owners

ROOT = Path(__file__).resolve().parents[2]


def digest(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with its SHA-256."""
    return {str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}


@dataclass(frozen=True)
class Outcome:
    """A finished in-process run."""

    code: int
    out: str
    err: str


def run_platformctl(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Outcome:
    """``platformctl ARGV`` in this process; argparse's own exits become an exit code too."""
    from platformctl.main import main

    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as stopped:
        code = int(stopped.code or 0)
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def assert_refused(outcome: Outcome, code: int, *fragments: str) -> None:
    """Exit ``code``, every fragment in the output, no traceback."""
    text = outcome.out + outcome.err
    assert outcome.code == code, f"exit {outcome.code}, expected {code}:\n{text}"
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert "Traceback" not in text


def previous_output(outdir: Path, platform: Any) -> Path:
    """A ``cdktf.out`` as a synth leaves it: a manifest and one ``cdk.tf.json`` per stack, each with its backend."""
    configs = dict(platform.configs())
    stacks = {name: (None if name == BOOTSTRAP_STACK else configs[owner].state)
              for name, owner in stack_owners(platform).items()}
    for name, state in stacks.items():
        backend = ({"local": {"path": "x"}} if state is None
                   else {"s3": {"bucket": state.bucket, "key": state.key(name)}})
        (outdir / "stacks" / name).mkdir(parents=True)
        (outdir / "stacks" / name / "cdk.tf.json").write_text(json.dumps({"terraform": {"backend": backend}}))
    (outdir / "manifest.json").write_text(json.dumps({"stacks": {name: {} for name in stacks}}))
    return outdir


# --- saved plan files, encoded as Terraform writes them (planproto + msgpack) -----------------------------------

def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _msgpack_str(text: str) -> bytes:
    data = text.encode()
    return bytes([0xD9, len(data)]) + data


def saved_plan(path: Path, *, bucket: str, key: str, workspace: str = "default", backend: str = "s3") -> Path:
    """A saved plan file whose recorded backend is ``backend`` at ``bucket``/``key`` in ``workspace``."""
    config = bytes([0x82]) + _msgpack_str("bucket") + _msgpack_str(bucket) + _msgpack_str("key") + _msgpack_str(key)
    backend_message = _field(1, backend.encode()) + _field(2, _field(1, config)) + _field(3, workspace.encode())
    message = _varint(1 << 3) + _varint(3) + _field(13, backend_message) + _field(21, b"2026-12-06T10:00:00Z")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", message)
    return path
