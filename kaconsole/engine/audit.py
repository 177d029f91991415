"""The audit log: one JSON line when an action starts, one when it ends, never rewritten.

It is written before the command runs, so that even a console that dies mid-action leaves a
trace of what it was doing. Default place: $XDG_STATE_HOME/kaconsole/audit.jsonl
(~/.local/state/kaconsole/audit.jsonl); KACONSOLE_AUDIT_LOG overrides it. Past MAX_BYTES the file
is rotated (audit.jsonl.1 is the newest old one, KEEP old files kept), so it never fills a disk
and reading its recent end stays cheap.
"""

from __future__ import annotations

import getpass
import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaconsole.core.redact import redact_text
from kaconsole.errors import KaconsoleError

#: Size at which the log is rotated before the next entry (an entry is a few hundred bytes).
MAX_BYTES = 10 * 1024 * 1024
#: Rotated files kept beside the log (audit.jsonl.1 .. .KEEP); older ones are deleted.
KEEP = 5
#: Bytes read at a time when reading the log backwards from its end.
TAIL_BLOCK = 64 * 1024


class AuditError(KaconsoleError):
    """An audit entry could not be written (unwritable directory, disk full, ...)."""


def state_dir() -> Path:
    """$XDG_STATE_HOME/kaconsole: the audit log, and what the console saves unless told where."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return Path(state) / "kaconsole"


def default_path() -> Path:
    if env := os.environ.get("KACONSOLE_AUDIT_LOG"):
        return Path(env).expanduser()
    return state_dir() / "audit.jsonl"


def local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


class AuditLog:
    def __init__(self, path: Path | None = None, *, max_bytes: int = MAX_BYTES,
                 keep: int = KEEP) -> None:
        self.path = path or default_path()
        self.max_bytes = max_bytes
        self.keep = max(1, keep)
        #: Entries this process could not write, each with its `audit_error`: the console still
        #: shows them (the command log pane) though the file does not hold them.
        self.unwritten: list[dict[str, Any]] = []
        #: Called with every entry as it is written (a session's recording keeps them too).
        self.listeners: list[Callable[[dict[str, Any]], None]] = []

    def _append(self, entry: dict[str, Any]) -> None:
        for listener in self.listeners:
            listener(entry)
        line = (json.dumps(entry, sort_keys=True) + "\n").encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._rotate_for(len(line))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                if os.write(fd, line) != len(line):
                    raise OSError("short write (disk full?)")
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            why = f"the audit log {self.path} cannot be written: {exc.strerror or exc}"
            self.unwritten.append({**entry, "audit_error": why})
            raise AuditError(why) from exc

    def _rotate_for(self, incoming: int) -> None:
        """Move the log aside (audit.jsonl -> .1 -> .2 ...) if this entry would pass max_bytes."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.max_bytes:
            return
        self._rotated(self.keep).unlink(missing_ok=True)
        for n in range(self.keep - 1, 0, -1):
            if self._rotated(n).exists():
                os.replace(self._rotated(n), self._rotated(n + 1))
        os.replace(self.path, self._rotated(1))

    def _rotated(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{n}")

    def _record(self, phase: str, action_id: str, **fields: Any) -> None:
        """One entry: what every entry says (who, when, where, what) and the phase's own fields."""
        command = fields.pop("command")
        self._append(
            {
                "id": action_id,
                "phase": phase,
                "time": _now(),
                "user": local_user(),
                "command": redact_text(command),
                **fields,
            }
        )

    def started(self, *, cluster: str, node: str, action: str, command: str) -> str:
        """Record an action about to run; returns the id that ties its completion to it."""
        action_id = uuid.uuid4().hex[:12]
        self._record(
            "started", action_id, cluster=cluster, node=node, action=action, command=command
        )
        return action_id

    def finished(
        self,
        action_id: str,
        *,
        result: str,
        exit_status: int | None,
        duration: float,
        output: str,
        cluster: str,
        node: str,
        action: str,
        command: str,
    ) -> None:
        self._record(
            "completed",
            action_id,
            cluster=cluster,
            node=node,
            action=action,
            command=command,
            result=result,
            exit_status=exit_status,
            duration_s=round(duration, 3),
            output_tail=redact_text(output),
        )

    def refused(self, *, cluster: str, node: str, action: str, command: str, why: str) -> None:
        self._record(
            "refused",
            uuid.uuid4().hex[:12],
            cluster=cluster,
            node=node,
            action=action,
            command=command,
            reason=why,
        )

    def read(self) -> list[dict[str, Any]]:
        """Every entry of the current file, oldest first (for tests and tools)."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_bytes().splitlines():
            if (entry := _parse(line)) is not None:
                out.append(entry)
        return out

    def since(self, at: float) -> list[dict[str, Any]]:
        """Entries from `at` on, oldest first, then this process's unwritten ones.

        Read backwards from the end (through rotated files if need be) and stopped at the first
        older entry, so a console or `status --watch` never rereads a large log on each update.
        """
        out: list[dict[str, Any]] = []
        for path in (self.path, *(self._rotated(n) for n in range(1, self.keep + 1))):
            for raw in _lines_backwards(path):
                entry = _parse(raw)
                if entry is None:
                    continue
                when = _time(entry)
                if when is not None and when < at:
                    return out[::-1] + self._unwritten_since(at)
                out.append(entry)
        return out[::-1] + self._unwritten_since(at)

    def _unwritten_since(self, at: float) -> list[dict[str, Any]]:
        return [e for e in self.unwritten if (_time(e) or at) >= at]


def _lines_backwards(path: Path) -> Iterator[bytes]:
    """The file's lines, last first, read TAIL_BLOCK bytes at a time from its end.

    A missing or unreadable file has none: what reads the log explains, it must not fail.
    """
    try:
        f = path.open("rb")
    except OSError:
        return
    with f:
        pos = f.seek(0, os.SEEK_END)
        rest = b""
        while pos > 0:
            step = min(TAIL_BLOCK, pos)
            pos -= step
            f.seek(pos)
            lines = (f.read(step) + rest).split(b"\n")
            rest = lines[0]
            yield from (line for line in reversed(lines[1:]) if line)
        if rest:
            yield rest


def _parse(line: bytes) -> dict[str, Any] | None:
    """An entry, or None for a torn line (a crash mid-write) or anything not an entry."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def _time(entry: dict[str, Any]) -> float | None:
    try:
        return datetime.fromisoformat(str(entry.get("time"))).timestamp()
    except (ValueError, OverflowError):
        return None


def _now() -> str:
    return datetime.now(UTC).isoformat()
