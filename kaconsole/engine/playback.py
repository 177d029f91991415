"""Reading recordings: the block index, the records, and the cluster they were taken on.

`RecordingFile` hops from block header to block header (the index: time -> offset) and reads
whole blocks only, so a file another process is still writing can be read, and re-scanned for
the blocks appended since (`--follow`). `Recording` reads a rotated set (`NAME.karec`,
`NAME.1.karec`, ...) as one recording, in the order of the parts' headers.
"""

from __future__ import annotations

import os
import re
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
from kaconsole.core.record.codec import RowReader, decode
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
        #: Offsets of blocks that are not records: the header, and in a later part of a rotated
        #: set the block repeating the latest polls (the part before holds them already).
        self.skip = {0}
        self._end = 0
        self.scan()
        first = self._lines(self.blocks[0]) if self.blocks else []
        header = is_header(first[0]) if first else None
        if header is None:
            self.close()
            raise InputError(str(path), "not a kaconsole recording")
        self.header: dict[str, Any] = header
        self._rows = RowReader(header.get("columns") or {})

    def close(self) -> None:
        os.close(self._fd)

    @property
    def part(self) -> int:
        """Its place in a rotated set (0: the first file)."""
        part = self.header.get("part", 0)
        return part if isinstance(part, int) else 0

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
        """The records of `blocks` (default: all), in order."""
        for block in self.blocks if blocks is None else blocks:
            if block.offset not in self.skip:
                for line in self._lines(block):
                    obj = orjson.loads(line)
                    if isinstance(obj, list):  # a block's records (version 2)
                        for item in obj:
                            yield _record(item, self._rows)
                    else:
                        yield _record(obj, self._rows)

    def continues(self) -> None:
        """Read it as a later part of its set: leave out the polls it starts with."""
        if self.header.get("carried") and self.blocks:
            self.skip.add(self.blocks[0].size)


_PART = re.compile(r"(?P<base>.+?)(?:\.(?P<part>\d+))?\.karec")


def rotated_set(path: str | Path) -> list[Path]:
    """The files of the rotated set `path` belongs to (`NAME.karec`, `NAME.1.karec`, ...) by
    their number: `path` alone when it was not rotated or was renamed."""
    path = Path(path)
    match = _PART.fullmatch(path.name)
    parts: dict[int, Path] = {}
    if match is not None:
        for sibling in path.parent.glob("*.karec"):
            found = _PART.fullmatch(sibling.name)
            if found is not None and found["base"] == match["base"]:
                parts[int(found["part"] or 0)] = sibling
    return [parts[n] for n in sorted(parts)] if path in parts.values() else [path]


class Recording:
    """A recording read as one: a single file, or every part of its rotated set that rotation
    has not deleted, in the order their headers give. Any part names the whole set."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        named = RecordingFile(path)
        self.set = named.header.get("set")
        self.parts = [named]
        for name in rotated_set(path):
            if name != self.path:
                self._add(name)
        self.parts.sort(key=lambda p: p.part)
        for part in self.parts[1:]:
            part.continues()
        self.header: dict[str, Any] = self.parts[0].header

    def _add(self, name: Path) -> RecordingFile | None:
        """The part at `name`, when it is one of this set and readable (rotation may be
        writing its first blocks)."""
        try:
            part = RecordingFile(name)
        except InputError:
            return None
        if part.header.get("set") != self.set:
            part.close()
            return None
        self.parts.append(part)
        return part

    def close(self) -> None:
        for part in self.parts:
            part.close()

    def records(self) -> Iterator[Record]:
        """Every record of every part, in order."""
        for part in self.parts:
            yield from part.records()

    def follow(self) -> list[Record]:
        """The records written since the last look, on into the parts rotation started."""
        new: list[Record] = []
        while True:
            last = self.parts[-1]
            following = _next_part(last.path)
            rotated = following is not None and following.exists()  # before the last scan:
            new.extend(last.records(last.scan()))  # the recorder closes a part, then rotates
            part = self._add(following) if rotated and following is not None else None
            if part is None:
                return new
            part.continues()
            new.extend(part.records())


def _next_part(path: Path) -> Path | None:
    """The name rotation gives the file after `path`."""
    match = _PART.fullmatch(path.name)
    if match is None:
        return None
    return path.with_name(f"{match['base']}.{int(match['part'] or 0) + 1}.karec")


def _record(obj: Any, rows: RowReader) -> Record:
    if isinstance(obj, list):
        return Record(float(obj[0]), fact=rows.fact(obj))
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
