"""Where a saved Terraform plan will write: the backend and workspace recorded in the plan file.

``terraform apply PLANFILE`` uses the backend recorded *in the plan*, not the one of the
directory it runs in: a prod plan applied from the dev stack's directory changes prod's state
(checked with Terraform 1.11). So before a saved plan is guarded or applied, platformctl reads
that backend and compares it with the stack's own (:meth:`PlanTarget.mismatch`).

A plan file is a zip archive whose ``tfplan`` member is a protocol-buffers message (Terraform's
``internal/plans/planproto/planfile.proto``): field 13 is the backend (1 type, 2 configuration
as a msgpack value, 3 workspace) and field 21 the timestamp, the same one ``terraform show
-json`` prints. Only those fields are decoded here; everything else is skipped by wire type.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PLAN_MEMBER = "tfplan"
_BACKEND_FIELD, _TIMESTAMP_FIELD = 13, 21
_TYPE_FIELD, _CONFIG_FIELD, _WORKSPACE_FIELD = 1, 2, 3
_MSGPACK_FIELD = 1
#: The only workspace platformctl deploys: one state object per stack.
DEFAULT_WORKSPACE = "default"


class PlanFileError(ValueError):
    """The file is not a saved Terraform plan this module can read."""


class Unknown:
    """A value Terraform will only know after apply (msgpack extension 0)."""

    def __repr__(self) -> str:
        return "(known after apply)"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class PlanTarget:
    """The state a saved plan will be applied to."""

    backend_type: str
    config: Mapping[str, Any]
    workspace: str
    timestamp: str

    def describe(self) -> str:
        """``s3://bucket/key (workspace default)`` or ``local backend (workspace default)``."""
        if self.backend_type == "s3":
            return f"s3://{self.config.get('bucket')}/{self.config.get('key')} (workspace {self.workspace})"
        return f"{self.backend_type} backend (workspace {self.workspace})"

    def mismatch(self, bucket: str, key: str) -> str | None:
        """Why this plan may not be applied to the S3 state ``bucket``/``key`` in the default workspace."""
        if (self.backend_type, self.config.get("bucket"), self.config.get("key"), self.workspace) == \
                ("s3", bucket, key, DEFAULT_WORKSPACE):
            return None
        return f"it writes to {self.describe()}, not to s3://{bucket}/{key} (workspace {DEFAULT_WORKSPACE})"


def read_target(path: Path) -> PlanTarget:
    """The backend, workspace and timestamp recorded in the saved plan at ``path``.

    Raises:
        PlanFileError: not readable, not a zip archive, or no backend recorded.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            message = archive.read(_PLAN_MEMBER)
    except KeyError:
        raise PlanFileError(f"{path} is a zip archive without a {_PLAN_MEMBER} member, not a saved plan") from None
    except zipfile.BadZipFile:
        raise PlanFileError(f"{path} is not a saved Terraform plan (not a zip archive); pass the file "
                            "`terraform plan -out` wrote") from None
    except OSError as error:
        raise PlanFileError(f"cannot read plan {path}: {error.strerror or error}") from None
    try:
        fields = _fields(message)
        backend = _fields(_bytes(fields, _BACKEND_FIELD))
        config = _unpack(_bytes(_fields(_bytes(backend, _CONFIG_FIELD)), _MSGPACK_FIELD, b"\xc0"))
    except (IndexError, ValueError, struct.error, UnicodeDecodeError) as error:
        raise PlanFileError(f"{path}: the plan's {_PLAN_MEMBER} member cannot be decoded ({error})") from None
    if not backend:
        raise PlanFileError(f"{path} records no backend; platformctl applies plans of stacks with an S3 backend only")
    return PlanTarget(_text(backend.get(_TYPE_FIELD)), config if isinstance(config, dict) else {},
                      _text(backend.get(_WORKSPACE_FIELD)) or DEFAULT_WORKSPACE, _text(fields.get(_TIMESTAMP_FIELD)))


def _text(value: bytes | int | None) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else ""


def _bytes(fields: Mapping[int, bytes | int], number: int, default: bytes = b"") -> bytes:
    """A length-delimited field (a string, bytes or an embedded message); ``default`` when absent."""
    value = fields.get(number, default)
    if not isinstance(value, bytes):
        raise ValueError(f"field {number} is a number, expected a message")
    return value


def _fields(message: bytes) -> dict[int, bytes | int]:
    """Top-level fields of a protocol-buffers message (the last occurrence of each wins, as in proto3)."""
    fields: dict[int, bytes | int] = {}
    offset = 0
    while offset < len(message):
        key, offset = _varint(message, offset)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            fields[number], offset = _varint(message, offset)
        elif wire_type == 1:
            fields[number], offset = message[offset:offset + 8], offset + 8
        elif wire_type == 2:
            length, offset = _varint(message, offset)
            if offset + length > len(message):
                raise ValueError(f"field {number} runs past the end of the message")
            fields[number], offset = message[offset:offset + length], offset + length
        elif wire_type == 5:
            fields[number], offset = message[offset:offset + 4], offset + 4
        else:
            raise ValueError(f"unsupported wire type {wire_type} at field {number}")
    return fields


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7


def _unpack(data: bytes) -> Any:
    value, offset = _msgpack(data, 0)
    if offset != len(data):
        raise ValueError(f"{len(data) - offset} bytes after the msgpack value")
    return value


_FIXED = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
          0xCA: ">f", 0xCB: ">d"}
_LENGTH = {0xC4: ">B", 0xC5: ">H", 0xC6: ">I", 0xD9: ">B", 0xDA: ">H", 0xDB: ">I",
           0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I", 0xC7: ">B", 0xC8: ">H", 0xC9: ">I"}
_FIXEXT_SIZES = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}


def _msgpack(data: bytes, offset: int) -> tuple[Any, int]:
    """One msgpack value at ``offset``: the subset cty values use (nil, bool, numbers, str, bin, array, map, ext)."""
    head = data[offset]
    offset += 1
    if head <= 0x7F or head >= 0xE0:
        return (head if head <= 0x7F else head - 0x100), offset
    if head in (0xC0, 0xC2, 0xC3):
        return {0xC0: None, 0xC2: False, 0xC3: True}[head], offset
    if head in _FIXED:
        size = struct.calcsize(_FIXED[head])
        return struct.unpack_from(_FIXED[head], data, offset)[0], offset + size
    if 0xA0 <= head <= 0xBF or head in (0xD9, 0xDA, 0xDB, 0xC4, 0xC5, 0xC6):
        length, offset = _length(data, offset, head, head - 0xA0 if head <= 0xBF else None)
        raw = data[offset:offset + length]
        return (raw if head in (0xC4, 0xC5, 0xC6) else raw.decode("utf-8")), offset + length
    if 0x90 <= head <= 0x9F or head in (0xDC, 0xDD):
        count, offset = _length(data, offset, head, head - 0x90 if head <= 0x9F else None)
        items = []
        for _ in range(count):
            item, offset = _msgpack(data, offset)
            items.append(item)
        return items, offset
    if 0x80 <= head <= 0x8F or head in (0xDE, 0xDF):
        count, offset = _length(data, offset, head, head - 0x80 if head <= 0x8F else None)
        mapping = {}
        for _ in range(count):
            key, offset = _msgpack(data, offset)
            mapping[key], offset = _msgpack(data, offset)
        return mapping, offset
    if head in _FIXEXT_SIZES or head in (0xC7, 0xC8, 0xC9):
        size, offset = (_FIXEXT_SIZES[head], offset) if head in _FIXEXT_SIZES else _length(data, offset, head, None)
        return UNKNOWN, offset + 1 + size  # the type byte, then the payload
    raise ValueError(f"unsupported msgpack type byte {head:#04x}")


def _length(data: bytes, offset: int, head: int, fixed: int | None) -> tuple[int, int]:
    if fixed is not None:
        return fixed, offset
    fmt = _LENGTH[head]
    return struct.unpack_from(fmt, data, offset)[0], offset + struct.calcsize(fmt)
