"""The audit log: one JSON line when an action starts, one when it ends, never rewritten.

It is written before the command runs, so that even a console that dies mid-action leaves a
trace of what it was doing. Default place: $XDG_STATE_HOME/kaconsole/audit.jsonl
(~/.local/state/kaconsole/audit.jsonl); KACONSOLE_AUDIT_LOG overrides it.
"""

from __future__ import annotations

import getpass
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaconsole.core.redact import redact_text


def default_path() -> Path:
    if env := os.environ.get("KACONSOLE_AUDIT_LOG"):
        return Path(env).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return Path(state) / "kaconsole" / "audit.jsonl"


def local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


class AuditLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def _append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        line = json.dumps(entry, sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

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
        """Every entry, oldest first (for the command log pane and tests)."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue  # a torn last line after a crash: skip it, keep the rest
        return out


def _now() -> str:
    return datetime.now(UTC).isoformat()
