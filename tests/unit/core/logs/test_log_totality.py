"""Hostile log text: parsers take any text, never raise, and hold no more than a bounded line.

Also the startup FAULT reason, which ties two lines together.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kaconsole.commands.inputs import text_lines
from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.logs import bounds
from kaconsole.core.logs.framing import split_line
from kaconsole.core.logs.parse import LogParser, parse_line, parse_lines
from kaconsole.core.logs.wording import classify

HUGE = "9" * 4400
HOSTILE = [
    f"(VI_1) Changing effective priority from {HUGE} to 1",
    f"Tue Nov 24 16:13:10 2026: (VI_1) Changing effective priority from {HUGE} to 1",
    "(VI_1) Changing effective priority from ²³ to 1",
    "Nov ²4 16:13:10 h Keepalived[²]: (VI_1) Entering MASTER STATE",
    "Mon Jan  1 00:00:01 0001: (VI_1) Entering MASTER STATE",
    "Fri Dec 31 23:59:59 9999: (VI_1) Entering MASTER STATE",
    "0000-00-00T99:99:99 h Keepalived[1]: (VI_1) Entering MASTER STATE",
    f"{HUGE}.{HUGE} h Keepalived[1]: (VI_1) Entering MASTER STATE",
    f'{{"__REALTIME_TIMESTAMP": "{HUGE}", "SYSLOG_IDENTIFIER": "Keepalived", "MESSAGE": "x"}}',
    f'{{"__REALTIME_TIMESTAMP": {HUGE}, "SYSLOG_IDENTIFIER": "Keepalived", "MESSAGE": "x"}}',
    '{"_PID": "²", "SYSLOG_IDENTIFIER": "Keepalived", "MESSAGE": "(VI_1) sent 0 priority"}',
    "[" * 40_000,
    "{" + "[" * 40_000,
    f"<30>1 2026-11-24T16:13:10Z h Keepalived_vrrp {HUGE} - - (VI_1) Entering MASTER STATE",
    f"(VI_1) Received advert from p with lower priority {HUGE}, ours {HUGE}",
    f"Unknown VRID({HUGE}) received on interface(eth0). ignoring...",
    f"VRRP thread timer expired {HUGE}.{HUGE} seconds ago",
    f"Script `x` now returning {HUGE}",
    f"VRRP_Script(x) failed (exited with status {HUGE})",
    f"Starting VRRP child process, pid={HUGE}",
    f"(Line {HUGE}) unknown",
    "(VI_1) Entering MASTER STATE\x1b]0;owned\x07\x1b[2J",
]


def _check(event: LogEvent | None) -> None:
    if event is not None:
        event.to_json()
        for value in event.fields.values():
            assert not isinstance(value, int) or abs(value) < 10**bounds.MAX_DIGITS


@pytest.mark.parametrize("line", HOSTILE, ids=lambda s: s[:40])
def test_hostile_lines_never_raise(line: str) -> None:
    _check(parse_line(line))
    _check(parse_line(line, year=1))
    _check(parse_line(line, year=10**30))
    split_line(line)
    classify(line)


def test_a_huge_priority_is_not_a_number_but_the_event_stays() -> None:
    event = parse_line(f"(VI_1) Changing effective priority from {HUGE} to 1")
    assert event is not None
    assert (event.kind, event.fields) == (LogKind.PRIORITY, {"from": None, "to": 1})


def test_unicode_digits_are_not_digits() -> None:
    event = parse_line("(VI_1) Changing effective priority from ²³ to 1")
    assert event is not None
    assert event.kind is LogKind.OTHER


def test_an_overlong_line_is_cut_and_says_how_much() -> None:
    line = "(VI_1) Entering MASTER STATE " + "x" * (bounds.MAX_LINE + 100)
    event = parse_line(line)
    assert event is not None
    assert event.fields["cut"] == len(line) - bounds.MAX_LINE
    assert len(event.text) <= bounds.MAX_LINE


class _Endless(io.RawIOBase):
    """`size` bytes of one line without a newline, then a short line: a 500 MB line, unwritten."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.tail = b"\nTue Nov 24 16:13:10 2026: (VI_1) Entering BACKUP STATE\n"
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.largest_read = max(self.largest_read, len(buffer))
        if self.left > 0:
            n = min(len(buffer), self.left)
            buffer[:n] = b"(VI_1) Entering MASTER STATE ".ljust(n, b"y")[:n]
            self.left -= n
            return n
        n = min(len(buffer), len(self.tail))
        buffer[:n] = self.tail[:n]
        self.tail = self.tail[n:]
        return n


def test_a_500_megabyte_line_is_read_in_bounded_pieces() -> None:
    size = 500 * 2**20
    raw = _Endless(size)
    lines: Iterator[tuple[str, int]] = text_lines("big", io.BufferedReader(raw))
    events = list(LogParser(year=2026).events(lines))
    assert [(e.line, e.fields.get("state"), e.fields.get("cut")) for e in events] == [
        (1, "MASTER", size - bounds.MAX_LINE),
        (2, "BACKUP", None),
    ]
    assert raw.largest_read <= 2 * max(bounds.MAX_LINE, 1 << 16)


def test_startup_fault_is_a_state_with_the_reason_logged_before_it() -> None:
    lines = [
        "(VI_1): entering FAULT state (interface eth1 down)",
        "(VI_2): entering FAULT state due to script chk",
        "(VI_1) entering FAULT state",
        "(VI_2) entering FAULT state",
        "(VI_3) entering FAULT state",
    ]
    states = [(e.instance, e.fields) for e in parse_lines(lines) if e.kind is LogKind.STATE]
    assert states == [
        ("VI_1", {"state": "FAULT", "startup": True, "reason": "interface eth1 down"}),
        ("VI_2", {"state": "FAULT", "startup": True, "reason": "due to script chk"}),
        ("VI_3", {"state": "FAULT", "startup": True}),
    ]


# --- properties: any text, any bytes ---------------------------------------------------------

_SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=200)
_bytes_lines = st.lists(st.binary(max_size=300), max_size=20)


@_SLOW
@given(st.text())
@example(HOSTILE[0])
@example("Nov ²4 16:13:10 h Keepalived[²]: (VI_1) Entering MASTER STATE")
@example("Mon Jan  1 00:00:01 0001: (VI_1) Entering MASTER STATE")
@example("\udcff(VI_1) Entering MASTER STATE")
def test_split_line_and_classify_take_any_text(text: str) -> None:
    split_line(text)
    split_line(text, year=1)
    classify(text)
    _check(parse_line(text, year=9999))


@_SLOW
@given(_bytes_lines)
@example([f"{HUGE}.{HUGE} h Keepalived[1]: x".encode()])
@example(["окт 29 10:37:18 h Keepalived_vrrp[1]: (a) Entering MASTER STATE".encode()])
@example([b"\xff\xfe{\"MESSAGE\": [255, 254]}"])
def test_parse_lines_takes_any_bytes(chunks: list[bytes]) -> None:
    lines = b"\n".join(chunks).decode("utf-8", "surrogateescape").split("\n")
    for event in parse_lines(lines):
        _check(event)


@_SLOW
@given(_bytes_lines)
@example([b"x" * 70_000, b"(VI_1) Entering MASTER STATE"])
@example([b"\x1f\x8b", b"\x00\x00(VI_1) sent 0 priority"])
def test_the_file_reader_and_parser_take_any_bytes(chunks: list[bytes]) -> None:
    handle = io.BufferedReader(io.BytesIO(b"\n".join(chunks)))  # type: ignore[arg-type]
    for event in LogParser().events(text_lines("any", handle)):
        _check(event)
