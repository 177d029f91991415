"""Reading recordings: the block index, the records, and the cluster they were taken on.

`RecordingFile` hops from block header to block header (the index: time -> offset) and reads
whole blocks only, so a file another process is still writing can be read, and re-scanned for
the blocks appended since (`--follow`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from kaconsole.core.facts import Fact
from kaconsole.core.inventory.model import (
    DEFAULT_KEEPALIVED_CONF,
    CaptureSpec,
    Cluster,
    LogSpec,
    Node,
    ServiceSpec,
    SshSettings,
    VipProbe,
)
from kaconsole.core.record.codec import decode
from kaconsole.core.record.frame import HEADER_SIZE, Block, is_header, read_header, unpack
from kaconsole.errors import InputError


@dataclass(frozen=True, slots=True)
class Record:
    """One recorded line: a fact, or an audit entry, and when the recorder got it."""

    t: float
    fact: Fact | None = None
    audit: dict[str, Any] | None = None


def is_recording(path: str | Path) -> bool:
    """True when `path` starts with a recording's header block (the magic)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(64 * 1024)
    except OSError:
        return False
    block = read_header(raw, 0)
    if block is None or block.size > len(raw):
        return False
    try:
        lines = unpack(raw[: block.size])
    except ValueError:
        return False
    return bool(lines) and is_header(lines[0]) is not None


class RecordingFile:
    """One recording file: its header record and the index of its whole blocks."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._fd = os.open(self.path, os.O_RDONLY)
        except OSError as exc:
            raise InputError(str(path), f"cannot read it: {exc.strerror or exc}") from exc
        self.blocks: list[Block] = []
        self._end = 0
        self.scan()
        first = self._lines(self.blocks[0]) if self.blocks else []
        header = is_header(first[0]) if first else None
        if header is None:
            self.close()
            raise InputError(str(path), "not a kaconsole recording")
        self.header: dict[str, Any] = header

    def close(self) -> None:
        os.close(self._fd)

    def scan(self) -> list[Block]:
        """The whole blocks appended since the last scan (a block being written is skipped)."""
        size = os.fstat(self._fd).st_size
        new: list[Block] = []
        while self._end + HEADER_SIZE <= size:
            block = read_header(os.pread(self._fd, HEADER_SIZE, self._end), self._end)
            if block is None:
                raise InputError(str(self.path), f"a damaged recording at byte {self._end}")
            if block.offset + block.size > size:
                break
            new.append(block)
            self._end += block.size
        self.blocks.extend(new)
        return new

    def _lines(self, block: Block) -> list[bytes]:
        try:
            return unpack(os.pread(self._fd, block.size, block.offset))
        except ValueError as exc:
            raise InputError(str(self.path), f"{exc} at byte {block.offset}") from exc

    def records(self, blocks: list[Block] | None = None) -> Iterator[Record]:
        """The records of `blocks` (default: all but the header), in order."""
        for block in self.blocks[1:] if blocks is None else blocks:
            for line in self._lines(block):
                if is_header(line) is None:
                    yield _record(orjson.loads(line))


def _record(obj: dict[str, Any]) -> Record:
    t = float(obj["t"])
    if "f" in obj:
        return Record(t, fact=decode(obj["f"]))
    return Record(t, audit=obj.get("a"))


def recorded_cluster(header: dict[str, Any]) -> Cluster:
    """The cluster as the recording names it: enough to draw, nothing to log in with."""
    nodes = tuple(
        Node(str(name), str(host), SshSettings(),
             {s: ServiceSpec(s, unit=s) for s in services}, LogSpec(), CaptureSpec(),
             DEFAULT_KEEPALIVED_CONF)
        for name, host, services in header.get("nodes", [])
    )
    probe = header.get("vip_probe")
    return Cluster(str(header.get("cluster", "recording")), nodes,
                   description=str(header.get("description") or ""),
                   vip_probe=VipProbe(probe) if probe else None,
                   path=f"recording of {header.get('user', '?')}@{header.get('host', '?')}")
