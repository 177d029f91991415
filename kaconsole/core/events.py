"""Typed events the parsers produce and the reducer folds (CONTRACTS.md sections 3 and 6).

Times in log events are naive datetimes in the wall-clock time the log shows (journal JSON is
converted to the console host's local time), so that lines from several nodes merge by time.
Adverts carry the capture's epoch seconds, as pcap does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class LogKind(StrEnum):
    """What a keepalived log line says (the `kind` of CONTRACTS.md section 3)."""

    STATE = "state"
    TRANSITION = "transition"
    PRIORITY = "priority"
    SCRIPT = "script"
    ADVERT_HIGHER = "advert_higher"
    ADVERT_LOWER = "advert_lower"
    ADVERT_ZERO = "advert_zero"
    SENT_ZERO = "sent_zero"
    ADVERT_TIMEOUT = "advert_timeout"
    VIPS = "vips"
    GARP = "garp"
    DAEMON = "daemon"
    AUTH_ERROR = "auth_error"
    CONFIG = "config"
    OTHER = "other"


class VrrpState(StrEnum):
    """A VRRP instance's state: UNKNOWN without evidence, STOP when keepalived is not running."""

    INIT = "INIT"
    BACKUP = "BACKUP"
    MASTER = "MASTER"
    FAULT = "FAULT"
    STOP = "STOP"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One line keepalived wrote, classified.

    `fields` holds the kind-specific extras of CONTRACTS.md section 3 (`state`, `from`/`to`,
    `peer`, ...) under their contract names; treat it as read-only.
    """

    kind: LogKind
    text: str
    ts: datetime | None = None
    host: str | None = None
    pid: int | None = None
    instance: str | None = None
    line: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `kaconsole logs parse` for this line."""
        ts = self.ts
        return log_object(
            self.kind, self.text, ts.isoformat() if ts is not None else None, self.host,
            self.pid, self.instance, self.line, self.fields,
        )  # fmt: skip


#: Each kind's text, looked up: an enum's `.value` costs a descriptor call per line.
_KIND_TEXT = {kind: kind.value for kind in LogKind}


def log_object(
    kind: LogKind,
    text: str,
    ts: str | None,
    host: str | None,
    pid: int | None,
    instance: str | None,
    line: int | None,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """A log line's JSON object: one layout for `LogEvent.to_json` and the parser's fast path
    (`LogParser.feed_json`), so both print the same bytes."""
    return {
        "line": line,
        "ts": ts,
        "host": host,
        "pid": pid,
        "kind": _KIND_TEXT[kind],
        "instance": instance,
        **fields,
        "text": text,
    }


@dataclass(frozen=True, slots=True)
class Advert:
    """One VRRP advertisement seen on the wire (CONTRACTS.md section 6).

    The PASS password in the packet is never kept; `auth_fingerprint` is a keyed hash, valid only
    within this process, so two adverts' passwords can be compared without revealing either.
    """

    ts: float
    src: str
    dst: str
    version: int
    vrid: int
    priority: int
    advert_int: float
    auth_type: str
    addresses: tuple[str, ...]
    ttl: int
    problems: tuple[str, ...] = ()
    auth_fingerprint: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ts": self.ts,
            "src": self.src,
            "dst": self.dst,
            "version": self.version,
            "vrid": self.vrid,
            "priority": self.priority,
            "advert_int": self.advert_int,
            "auth_type": self.auth_type,
            "addresses": list(self.addresses),
            "ttl": self.ttl,
        }
        if self.problems:
            out["problems"] = list(self.problems)
        return out


@dataclass(frozen=True, slots=True)
class BadPacket:
    """A VRRP packet that could not be decoded at all (bad version, truncated)."""

    ts: float
    src: str
    dst: str
    error: str

    def to_json(self) -> dict[str, Any]:
        return {"ts": self.ts, "src": self.src, "dst": self.dst, "error": self.error}
