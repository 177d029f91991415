"""keepalived log lines -> LogEvent (CONTRACTS.md section 3): framing, wording, redaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kaconsole.core.events import LogEvent
from kaconsole.core.logs.framing import Frame, split_line
from kaconsole.core.logs.wording import classify
from kaconsole.core.redact import redact_text


def redact(message: str) -> str:
    """`message` with any secret keepalived may log (auth_pass, Password = ...) as "***"."""
    low = message.lower()  # only text with one of these words can hold a secret: skip the rest
    if "pass" in low or "auth" in low or "key" in low or "secret" in low:
        return redact_text(message)
    return message


def parse_line(raw: str, *, line: int | None = None, year: int | None = None) -> LogEvent | None:
    """The event of one raw log line; None when keepalived did not write it.

    `year` completes syslog timestamps, which have none (default: the current year).
    """
    frame = split_line(raw, year=year)
    return None if frame is None else _event(frame, line)


def parse_lines(lines: Iterable[str], *, year: int | None = None) -> Iterator[LogEvent]:
    """Events of keepalived's lines among `lines`, numbered from 1 in input order."""
    for number, raw in enumerate(lines, 1):
        frame = split_line(raw, year=year)
        if frame is not None:
            yield _event(frame, number)


def _event(frame: Frame, line: int | None) -> LogEvent:
    ts, host, pid, _, message = frame
    kind, instance, fields = classify(message)
    return LogEvent(kind, redact(message), ts, host, pid, instance, line, fields)
