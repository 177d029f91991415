"""The recording file: gzip members, each a block of JSON, that say their own size and time.

Like BGZF (the genomics format), every member's gzip header carries an extra field (`KR`): the
member's total size, its record count and its first record's time. A reader hops from header to
header without decompressing anything, so the blocks' headers are the seek index (time ->
offset), and a file still being written stays readable up to its last whole block. `zcat` reads
any recording as plain JSON lines: since version 2, a block is one line, the JSON array of its
records (version 1 wrote a line per record). The first block holds one line, the header record,
which is also the magic: `{"kaconsole_recording": 2, ...}`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

VERSION = 2
#: The versions this reader reads.
READS = frozenset({1, 2})
MAGIC_KEY = "kaconsole_recording"
#: gzip, deflate, FEXTRA; mtime 0; no extra flags; OS unknown.
_GZIP = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff"
_SUB = struct.Struct("<2sHIId")  # id, length, member size, records, first time
_XLEN = struct.Struct("<H")
HEADER_SIZE = len(_GZIP) + _XLEN.size + _SUB.size
_TRAILER = struct.Struct("<II")


@dataclass(frozen=True, slots=True)
class Block:
    """Where one block is and what it holds: the seek index's entry."""

    offset: int
    size: int
    records: int
    first: float


def pack(lines: list[bytes], first: float, records: int | None = None) -> bytes:
    """One gzip member holding `lines` (each ending in a newline): `records` of them, by
    default one a line."""
    data = b"".join(lines)
    body = zlib.compress(data, 1, wbits=-15)
    size = HEADER_SIZE + len(body) + _TRAILER.size
    count = len(lines) if records is None else records
    extra = _SUB.pack(b"KR", _SUB.size - 4, size, count, first)
    trailer = _TRAILER.pack(zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return _GZIP + _XLEN.pack(_SUB.size) + extra + body + trailer


def read_header(raw: bytes, offset: int) -> Block | None:
    """The block whose header `raw` starts with, or None when it is not one of ours."""
    if len(raw) < HEADER_SIZE or raw[: len(_GZIP)] != _GZIP:
        return None
    (xlen,) = _XLEN.unpack_from(raw, len(_GZIP))
    sid, length, size, records, first = _SUB.unpack_from(raw, len(_GZIP) + _XLEN.size)
    if xlen != _SUB.size or sid != b"KR" or length != _SUB.size - 4 or size < HEADER_SIZE:
        return None
    return Block(offset, size, records, first)


def unpack(member: bytes) -> list[bytes]:
    """The lines of one whole member; ValueError when it is damaged."""
    try:
        data = zlib.decompress(member[HEADER_SIZE : len(member) - _TRAILER.size], wbits=-15)
    except zlib.error as exc:
        raise ValueError(f"a damaged block: {exc}") from exc
    crc, _ = _TRAILER.unpack_from(member, len(member) - _TRAILER.size)
    if zlib.crc32(data) != crc:
        raise ValueError("a damaged block (checksum)")
    return data.splitlines()


def header_line(fields: dict[str, Any]) -> bytes:
    return orjson.dumps({MAGIC_KEY: VERSION, **fields}) + b"\n"


def is_header(line: bytes) -> dict[str, Any] | None:
    """The header record if `line` is one (the recording's magic), else None."""
    if not line.startswith(b'{"' + MAGIC_KEY.encode() + b'"'):
        return None
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) and obj.get(MAGIC_KEY) in READS else None

