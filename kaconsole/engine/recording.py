"""The recorder: every fact a monitor folds, and every audit entry, appended to a recording.

Facts are kept as they come (a reference and a time: the console's hot path pays nothing more)
and written as one compressed block every `block_seconds` (or sooner when the buffer grows),
encoded all at once (`core.record.codec.rows`), so the file is streamed (a follower sees it a
second late at most) and each block's header is a seek index entry. A file is closed and a new
one (`NAME.1.karec`, ...) started past `max_seconds` or `max_bytes`; the new file begins with the
latest poll facts (reachability, services, addresses, dump, config, channels), so every file
replays on its own, and its header says how many (a reader of the whole set leaves them out).
The oldest recordings go once the directory passes `keep_bytes`. Nothing secret is written (see
`core.record.codec`).
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import orjson

from kaconsole.core.facts import (
    AddressesObserved,
    ChannelStatus,
    ConfigObserved,
    DumpObserved,
    Fact,
    Reachability,
    ServiceObserved,
)
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.record.codec import COLUMNS, Item, rows
from kaconsole.core.record.frame import header_line, pack
from kaconsole.core.redact import redact_text
from kaconsole.engine.audit import AuditLog, local_user

SUFFIX = ".karec"
BLOCK_SECONDS = 1.0
#: A block holds at most this many records: a burst is written in slices the loop hardly feels.
BLOCK_RECORDS = 4096
MAX_SECONDS = 3600.0
MAX_BYTES = 64 * 1024 * 1024
KEEP_BYTES = 1024 * 1024 * 1024


def default_dir() -> Path:
    """$XDG_STATE_HOME/kaconsole/recordings; KACONSOLE_RECORDINGS overrides it."""
    if env := os.environ.get("KACONSOLE_RECORDINGS"):
        return Path(env).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return Path(state) / "kaconsole" / "recordings"


def cluster_header(cluster: Cluster, purpose: str) -> dict[str, Any]:
    """What replay needs to draw the cluster: names and addresses, never how to log in."""
    return {
        "cluster": cluster.name,
        "description": cluster.description,
        "nodes": [[n.name, n.host, sorted(n.services)] for n in cluster.nodes],
        "vip_probe": cluster.vip_probe.url if cluster.vip_probe else None,
        "purpose": purpose,
        "user": local_user(),
        "host": socket.gethostname(),
    }


#: Facts a new file starts with (their latest of each kind); the others are stream items.
_POLLS = frozenset({ServiceObserved, ChannelStatus, Reachability, AddressesObserved,
                    DumpObserved, ConfigObserved})


def _polls(items: list[Item]) -> list[Fact]:
    return [cast(Fact, f) for f in items if type(f) in _POLLS]


def _key(fact: Fact) -> tuple[Any, ...]:
    """Which latest poll fact `fact` replaces."""
    if isinstance(fact, ServiceObserved):
        return ("service", fact.node, fact.service)
    if isinstance(fact, ChannelStatus):
        return ("channel", fact.node, fact.channel)
    return (type(fact).__name__, getattr(fact, "node", ""))


class Recorder:
    """Appends to files named `<cluster>-<purpose>-<time>[.N].karec` in `directory`."""

    def __init__(self, cluster: Cluster, purpose: str, directory: Path | None = None, *,
                 block_seconds: float = BLOCK_SECONDS, max_seconds: float = MAX_SECONDS,
                 max_bytes: int = MAX_BYTES, keep_bytes: int = KEEP_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        self.directory = directory or default_dir()
        self.header = cluster_header(cluster, purpose)
        self.block_seconds, self.max_seconds = block_seconds, max_seconds
        self.max_bytes, self.keep_bytes = max_bytes, keep_bytes
        self.clock = clock
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(clock()))
        self.base = f"{_safe(cluster.name)}-{_safe(purpose)}-{stamp}"
        self.part = 0
        self.path = self.directory / f"{self.base}{SUFFIX}"
        self.error: str | None = None
        #: The latest poll facts written: a new file starts with them.
        self._latest: dict[tuple[Any, ...], Fact] = {}
        #: What came since the last block, and when: two lists, so that keeping a fact
        #: makes no container for the collector to walk.
        self._times: list[float] = []
        self._items: list[Item] = []
        self._first = 0.0
        self._opened = 0.0
        self._size = 0
        self._fd: int | None = None

    # --- input ------------------------------------------------------------------------------

    def fact(self, fact: Fact) -> None:
        """The monitor's hook: called once for every fact it folds (kept, encoded later)."""
        now = self.clock()
        times = self._times
        if times and (now - self._first >= self.block_seconds or len(times) >= BLOCK_RECORDS):
            self.flush()
            times = self._times
        if not times:
            self._first = now
        times.append(now)
        self._items.append(fact)

    def audit(self, entry: dict[str, Any]) -> None:
        """An audit log entry (its command already redacted), for replay's command pane."""
        safe = {k: redact_text(v) if isinstance(v, str) else v for k, v in entry.items()}
        now = self.clock()
        if not self._times:
            self._first = now
        self._times.append(now)
        self._items.append(safe)

    def attach(self, audit: AuditLog) -> None:
        audit.listeners.append(self.audit)

    # --- output -----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the buffered records as one block (rotating first when a limit is passed)."""
        if not self._times:
            return
        times, items, first = self._times, self._items, self._first
        self._times, self._items = [], []
        if self.error is not None:
            return
        try:
            if self._fd is not None and (self._size >= self.max_bytes
                                         or first - self._opened >= self.max_seconds):
                self._rotate()
            if self._fd is None:
                self._open(first)
            self._write(_block(times, items, first))
            self._latest.update((_key(f), f) for f in _polls(items))
        except OSError as exc:
            self.error = f"recording stopped: {self.path}: {exc.strerror or exc}"
        except TypeError as exc:  # orjson met a value it cannot write: stop, never crash
            self.error = f"recording stopped: {self.path}: {exc}"

    async def run(self) -> None:
        """Flush a quiet stream's last facts too (the monitor runs this beside the sessions);
        cancelled, it writes what is buffered and closes the file."""
        try:
            while True:
                await asyncio.sleep(self.block_seconds / 2)
                if self._times and self.clock() - self._first >= self.block_seconds:
                    self.flush()
        finally:
            self.close()

    def close(self) -> None:
        self.flush()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self, now: float) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._prune()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        self._opened, self._size = now, 0
        header = {**self.header, "started": now, "set": self.base, "part": self.part,
                  "carried": len(self._latest), "columns": COLUMNS}
        start = pack([header_line(header)], now)
        if self._latest:  # one write: a reader of the set sees both blocks or neither
            start += _block([now] * len(self._latest), list(self._latest.values()), now)
        self._write(start)

    def _rotate(self) -> None:
        assert self._fd is not None
        os.close(self._fd)
        self._fd = None
        self.part += 1
        self.path = self.directory / f"{self.base}.{self.part}{SUFFIX}"

    def _write(self, block: bytes) -> None:
        assert self._fd is not None
        if os.write(self._fd, block) != len(block):
            raise OSError("short write (disk full?)")
        self._size += len(block)

    def _prune(self) -> None:
        """Delete the oldest recordings while the directory holds more than keep_bytes."""
        files = sorted(self.directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        for old in files:
            if total <= self.keep_bytes:
                break
            total -= old.stat().st_size
            old.unlink(missing_ok=True)


def _block(times: list[float], items: list[Item], first: float) -> bytes:
    """One block: its records as one line, a JSON array serialised in one call. The rows are
    made and dropped with the collector paused: thousands of tuples that live a millisecond
    would otherwise start collections that walk the whole console's state."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        line = orjson.dumps(rows(times, items)) + b"\n"
    finally:
        if collecting:
            gc.enable()
    return pack([line], first, len(items))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40] or "cluster"
