"""keepalived log lines -> LogEvent (CONTRACTS.md section 3): framing, wording, redaction.

Total: any text in, an event or None out. Lines longer than MAX_LINE are parsed from their
first MAX_LINE characters and say how many bytes were left off (`cut`); a time stamp that
could not be read leaves `ts` null and says so (`ts_unreadable`) rather than losing the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.logs.bounds import MAX_LINE
from kaconsole.core.logs.framing import split_line
from kaconsole.core.logs.wording import FAULT_REASON, classify
from kaconsole.core.redact import redact_text

# only text with one of these words can hold a secret: the rest skips the redactor
_SECRET_HINT = re.compile("pass|auth|key|secret", re.IGNORECASE)

#: Instances whose startup FAULT reason is remembered until their `entering FAULT state` line.
_MAX_REASONS = 1024


def redact(message: str) -> str:
    """`message` with any secret keepalived may log (auth_pass, Password = ...) as "***"."""
    return redact_text(message) if _SECRET_HINT.search(message) else message


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
        if len(raw) > MAX_LINE:
            cut += utf8_length(raw[MAX_LINE:])
            raw = raw[:MAX_LINE]
        frame = split_line(raw, year=self.year)
        if frame is None:
            return None
        ts, host, pid, _, message, unreadable = frame
        kind, instance, fields = classify(message)
        if kind is LogKind.OTHER and fields.get("tag") == FAULT_REASON:
            if len(self._reasons) >= _MAX_REASONS:
                self._reasons.clear()
            self._reasons[instance] = fields["reason"]
        elif kind is LogKind.STATE and fields.get("startup") and instance in self._reasons:
            fields["reason"] = self._reasons.pop(instance)
        if unreadable:
            fields["ts_unreadable"] = True
        if cut:
            fields["cut"] = cut
        return LogEvent(kind, redact(message), ts, host, pid, instance, line, fields)


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
