"""keepalived log lines -> LogEvent (CONTRACTS.md section 3): framing, wording, redaction.

Total: any text in, an event or None out. Lines longer than MAX_LINE are parsed from their
first MAX_LINE characters and say how many bytes were left off (`cut`); a time stamp that
could not be read leaves `ts` null and says so (`ts_unreadable`) rather than losing the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from kaconsole.core.events import LogEvent, LogKind, log_object
from kaconsole.core.logs.bounds import MAX_LINE
from kaconsole.core.logs.framing import Frame, split_line
from kaconsole.core.logs.wording import FAULT_REASON, Fields, classify
from kaconsole.core.redact import redact_text

# only text with one of these words can hold a secret: the rest skips the redactor
_SECRET_HINT = re.compile("pass|auth|key|secret", re.IGNORECASE)

#: Instances whose startup FAULT reason is remembered until their `entering FAULT state` line.
_MAX_REASONS = 1024


def redact(message: str) -> str:
    """`message` with any secret keepalived may log (auth_pass, Password = ...) as "***"."""
    if message.isascii():  # lower() then `in` is ten times the regex's speed, same answer
        low = message.lower()
        hinted = "pass" in low or "auth" in low or "key" in low or "secret" in low
    else:  # IGNORECASE also folds non-ASCII letters (the Kelvin sign is a k)
        hinted = _SECRET_HINT.search(message) is not None
    return redact_text(message) if hinted else message


_ISO: dict[datetime, str] = {}


def iso_text(ts: datetime) -> str:
    """`ts.isoformat()`, remembered: a log repeats each time over many lines."""
    try:
        return _ISO[ts]
    except KeyError:
        if len(_ISO) >= 4096:
            _ISO.clear()
        text = _ISO[ts] = ts.isoformat()
        return text


def utf8_length(text: str) -> int:
    """Bytes `text` takes in UTF-8 (a lone surrogate counts as one)."""
    step = 1 << 20  # encoded a piece at a time: a huge line is not copied whole
    return sum(
        len(text[i : i + step].encode("utf-8", "replace"))
        for i in range(0, len(text), step)
    )


class LogParser:
    """Lines of one stream to events, carrying what a line needs from earlier ones.

    keepalived 2.x logs why an instance starts in FAULT (`(VI_1): entering FAULT state
    (interface eth0 down)`) before the line that enters it (`(VI_1) entering FAULT state`);
    the reason is carried onto that state event as `reason`.
    """

    def __init__(self, *, year: int | None = None) -> None:
        self.year = year
        self._reasons: dict[str | None, str | None] = {}

    def feed(self, raw: str, line: int | None = None, cut: int = 0) -> LogEvent | None:
        """The event of one raw line; None when keepalived did not write it.

        `cut` counts bytes the reader already left off this line (see text readers).
        """
        parts = self._parts(raw, cut)
        if parts is None:
            return None
        frame, kind, instance, fields = parts
        return LogEvent(
            kind, redact(frame.message), frame.ts, frame.host, frame.pid, instance, line, fields
        )

    def feed_json(self, raw: str, line: int | None = None, cut: int = 0) -> dict[str, Any] | None:
        """`feed(raw, line, cut).to_json()` without the event in between: the same framing,
        wording and layout, cheaper per line for `logs parse --json`."""
        parts = self._parts(raw, cut)
        if parts is None:
            return None
        frame, kind, instance, fields = parts
        ts = frame.ts
        return log_object(
            kind, redact(frame.message), None if ts is None else iso_text(ts), frame.host,
            frame.pid, instance, line, fields,
        )  # fmt: skip

    def _parts(self, raw: str, cut: int) -> tuple[Frame, LogKind, str | None, Fields] | None:
        """One line framed and classified, FAULT reasons carried: what both feeds share."""
        if len(raw) > MAX_LINE:
            cut += utf8_length(raw[MAX_LINE:])
            raw = raw[:MAX_LINE]
        frame = split_line(raw, year=self.year)
        if frame is None:
            return None
        kind, instance, fields = classify(frame.message)
        if kind is LogKind.OTHER and fields.get("tag") == FAULT_REASON:
            if len(self._reasons) >= _MAX_REASONS:
                self._reasons.clear()
            self._reasons[instance] = fields["reason"]
        elif kind is LogKind.STATE and fields.get("startup") and instance in self._reasons:
            fields["reason"] = self._reasons.pop(instance)
        if frame.unreadable:
            fields["ts_unreadable"] = True
        if cut:
            fields["cut"] = cut
        return frame, kind, instance, fields

    def events(self, lines: Iterable[tuple[str, int]]) -> Iterator[LogEvent]:
        """Events of keepalived's lines among (line, bytes cut) pairs, numbered from 1."""
        feed = self.feed
        for number, (raw, cut) in enumerate(lines, 1):
            event = feed(raw, number, cut)
            if event is not None:
                yield event


def parse_line(raw: str, *, line: int | None = None, year: int | None = None) -> LogEvent | None:
    """The event of one raw log line on its own; None when keepalived did not write it.

    `year` completes syslog timestamps, which have none (default: the current year).
    """
    return LogParser(year=year).feed(raw, line)


def parse_lines(lines: Iterable[str], *, year: int | None = None) -> Iterator[LogEvent]:
    """Events of keepalived's lines among `lines`, numbered from 1 in input order."""
    return LogParser(year=year).events((raw, 0) for raw in lines)
