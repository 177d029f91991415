"""Line framings: the time, host, pid and program around a keepalived message.

keepalived's text reaches us in several wrappers, and `split_line` peels each off with one
anchored regex chosen by the line's first character, so a line costs one match:

| framing                          | example start                                          |
| -------------------------------- | ------------------------------------------------------ |
| console (`-l -n`, `%c`)          | `Tue Nov 24 16:13:10 2026: ` (day space-padded)         |
| log file (`-g`, 2.x)             | `Tue Nov 24 16:13:10.123456789 2026: ` (any fraction)   |
| syslog, journal short(-precise)  | `Nov 24 16:13:10[.123456] host Keepalived_vrrp[123]: `  |
| rsyslog RFC 3339, short-iso(-precise) | `2026-11-24T16:13:10[.123456](+00:00|+0000|Z) host ...` |
| RFC 5424                         | `<30>1 2026-11-24T16:13:10Z host Keepalived_vrrp 123 - - ` |
| journal short-full               | `Tue 2026-11-24 16:13:10 UTC host ...`                  |
| journal short-unix               | `1795538049.231731 host ...`                            |
| journal short-monotonic          | `[ 1234.567890] host ...` (no wall time: ts is None)    |
| `journalctl -o json` / json-seq  | `{"__REALTIME_TIMESTAMP": ..., "MESSAGE": ...}`         |
| bare (`keepalived -t` output)    | the message alone                                      |

Times are naive wall-clock datetimes as the line shows them (offsets are dropped); journal JSON
and short-unix epoch times become the local time of this host. Lines of other programs in a
syslog or journal stream give None, as do journalctl's own `-- Boot ... --` markers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from kaconsole.core.logs.bounds import MAX_DIGITS, ascii_int
from kaconsole.core.logs.months import ENGLISH, month_number

MONTHS = {m: i for i, m in enumerate(ENGLISH, 1)}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# ASCII digits only ([0-9], not \d, which takes any script's digits), in bounded runs.
_N = f"[0-9]{{1,{MAX_DIGITS}}}"
_MON = "(?:" + "|".join(MONTHS) + ")"
_WDAY = "(?:" + "|".join(WEEKDAYS) + ")"
_HMS = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]{1,12})?"
_YMD_HMS = rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{_HMS}"
# host, then program with optional [pid], then ": " (syslog and journal short forms)
_TAIL = rf" (\S+) ([^\s\[:]+)(?:\[({_N})\])?: ?(.*)"

# Each framing captures its whole time stamp first: stamps repeat from line to line, so they
# are converted once (see _time) rather than field by field on every line.
_CONSOLE = re.compile(rf"({_WDAY} {_MON} [ 0-9]?[0-9] {_HMS} [0-9]{{4}}): ?(.*)", re.S)
_SYSLOG = re.compile(rf"([A-Z][a-z][a-z] [ 0-9]?[0-9] {_HMS}){_TAIL}", re.S)  # month: see caller
# journalctl in the reader's locale: any month name (`окт`, `1月`, ` 6월`), read if we know it
_LOCAL = re.compile(rf" *(\S{{1,12}} +[0-9]{{1,2}} {_HMS}){_TAIL}", re.S)
_ISO = re.compile(rf"({_YMD_HMS})(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}})?{_TAIL}", re.S)
_FULL = re.compile(rf"{_WDAY} ({_YMD_HMS}) \S+{_TAIL}", re.S)
_RFC5424 = re.compile(
    rf"1 ({_YMD_HMS})(?:Z|[+-][0-9]{{2}}:[0-9]{{2}})? (\S+) (\S+) (\S+) \S+"
    r" (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(.*)",
    re.S,
)
_UNIX = re.compile(rf"({_N})\.([0-9]{{1,12}}){_TAIL}", re.S)
_MONOTONIC = re.compile(rf"\[ *{_N}\.[0-9]+(?: *< *[0-9.]{{1,40}}>)?\]{_TAIL}", re.S)
# a pasted line without its time: `Keepalived_vrrp[5508]: ...` or `host Keepalived[1]: ...`
_UNTIMED = re.compile(
    rf"(?:(\S+) )?((?:Keepalived|keepalived|KEEPALIVED)[^\s\[:]*)(?:\[({_N})\])?: ?(.*)", re.S
)
_PRI = re.compile(r"<[0-9]{1,3}>")


class Frame(NamedTuple):
    """A keepalived message with what its framing said about it (a tuple: cheap to build).

    `unreadable` is True when the line had a time stamp we could not read (a month name in an
    unknown locale, Feb 30, year 0): the message still counts, its time is None.
    """

    ts: datetime | None
    host: str | None
    pid: int | None
    program: str | None
    message: str
    unreadable: bool = False


_IDENTS = ("Keepalived", "keepalived", "KEEPALIVED")
# Frame(...) runs a Python __new__ with defaults; the tuple's own is a C call, a line's worth
_new = tuple.__new__


def is_keepalived(program: str) -> bool:
    """keepalived's syslog idents: Keepalived, Keepalived_vrrp, keepalived, keepalived.service..."""
    return program.startswith(_IDENTS)


def split_line(raw: str, *, year: int | None = None) -> Frame | None:
    """The framing of one log line, or None when the line is not keepalived's.

    `year` completes syslog times, which have none (default: the current year).
    """
    line = raw.rstrip("\r\n")
    if not line:
        return None
    first = line[0]
    if first == "{" or first == "\x1e":
        return _journal_json(line.lstrip("\x1e"))
    if first == "<":
        pri = _PRI.match(line)
        if pri:
            line = line[pri.end() :]
            if not line:
                return None
            if line.startswith("1 "):
                return _rfc5424(line)
            first = line[0]
    if "0" <= first <= "9":
        m = _ISO.match(line)
        if m:
            stamp, host, program, pid, message = m.groups()
            return _framed(_time(stamp, 0, _iso_time), host, program, pid, message)
        m = _UNIX.match(line)
        if m:
            sec, frac, *rest = m.groups()
            return _framed(_epoch(int(sec), int(frac[:6].ljust(6, "0"))), *rest)
        if line.startswith("1 "):
            return _rfc5424(line)
    elif first == "[":
        m = _MONOTONIC.match(line)
        if m:
            return _framed(None, *m.groups(), stamped=False)
    elif first == "-" and line.startswith("-- ") and line.endswith(" --"):
        return None  # journalctl: "-- Boot 1a2b... --", "-- No entries --"
    else:
        head = line[:3]
        if head in MONTHS:
            m = _SYSLOG.match(line)
            if m:
                stamp, host, program, pid, message = m.groups()
                if not program.startswith(_IDENTS):  # the common case, checked before the time
                    return None
                ts = _time(stamp, _this_year() if year is None else year, _syslog_time)
                return _new(Frame, (ts, host, int(pid) if pid else None, program, message,
                                    ts is None))  # fmt: skip
        elif head in WEEKDAYS:
            m = _CONSOLE.match(line)
            if m:
                ts = _time(m[1], 0, _console_time)
                return _new(Frame, (ts, None, None, None, m[2], ts is None))
            m = _FULL.match(line)
            if m:
                stamp, host, program, pid, message = m.groups()
                return _framed(_time(stamp, 0, _iso_time), host, program, pid, message)
    return _untimed(line, year)


def _untimed(line: str, year: int | None) -> Frame | None:
    """A line no fast path took: a localised journal line, a pasted line, a bare message."""
    m = _LOCAL.match(line)
    if m:
        stamp, host, program, pid, message = m.groups()
        ts = _time(stamp, _this_year() if year is None else year, _syslog_time)
        return _framed(ts, host, program, pid, message)
    m = _UNTIMED.match(line)
    if m:
        host, program, pid, message = m.groups()
        return Frame(None, host, int(pid) if pid else None, program, message)
    return Frame(None, None, None, None, line)


def _this_year() -> int:
    return datetime.now().year


_STAMPS: dict[tuple[str, int], datetime | None] = {}


def _time(stamp: str, year: int, convert: Callable[[str, int], datetime | None]) -> datetime | None:
    """`convert(stamp, year)`, remembered: a log repeats each stamp over many lines."""
    key = (stamp, year)
    try:
        return _STAMPS[key]
    except KeyError:
        if len(_STAMPS) >= 4096:
            _STAMPS.clear()
        ts = _STAMPS[key] = convert(stamp, year)
        return ts


def _syslog_time(stamp: str, year: int) -> datetime | None:
    """`Nov 24 16:13:10[.123456]` in `year` (the day may be space-padded or not; any locale)."""
    month, day, clock = stamp.split()
    number = month_number(month)
    return None if number is None else _at(year, number, int(day), clock[:8], clock[9:])


def _console_time(stamp: str, _year: int) -> datetime | None:
    """`Tue Nov 24 16:13:10[.123456789] 2026`."""
    _weekday, month, day, clock, year = stamp.split()
    return _at(int(year), MONTHS[month], int(day), clock[:8], clock[9:])


def _iso_time(stamp: str, _: int) -> datetime | None:
    """`2026-11-24T16:13:10[.123456]` (also with a space for the T)."""
    return _at(int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10]), stamp[11:19], stamp[20:])


def _at(year: int, month: int, day: int, hms: str, frac: str) -> datetime | None:
    """A naive datetime from a line's fields; None when they name no real time (Feb 30)."""
    try:
        return datetime(  # noqa: DTZ001 - naive wall-clock time, as the log shows it
            year,
            month,
            day,
            int(hms[:2]),
            int(hms[3:5]),
            int(hms[6:8]),
            int(frac[:6].ljust(6, "0")) if frac else 0,
        )
    except (ValueError, OverflowError):
        return None


_SECONDS: dict[int, datetime | None] = {}


def _epoch(seconds: int, micros: int) -> datetime | None:
    """Epoch time as this host's local time, to merge with syslog lines that carry no zone;
    each second converted once (a microsecond's worth of time zone lookup)."""
    try:
        base = _SECONDS[seconds]
    except KeyError:
        if len(_SECONDS) >= 4096:
            _SECONDS.clear()
        try:
            base = datetime.fromtimestamp(seconds)  # noqa: DTZ006
        except (ValueError, OverflowError, OSError):
            base = None
        _SECONDS[seconds] = base
    return None if base is None else base.replace(microsecond=micros)


def _framed(
    ts: datetime | None,
    host: str,
    program: str,
    pid: str | None,
    message: str,
    *,
    stamped: bool = True,
) -> Frame | None:
    """The frame of a syslog-style line; None for another program's line."""
    if not program.startswith(_IDENTS):
        return None
    return _new(Frame, (ts, host, int(pid) if pid else None, program, message,
                        stamped and ts is None))  # fmt: skip


def _rfc5424(line: str) -> Frame | None:
    m = _RFC5424.match(line)
    if not m:
        return Frame(None, None, None, None, line)
    stamp, host, program, pid, message = m.groups()
    if not is_keepalived(program):
        return None
    ts = _time(stamp, 0, _iso_time)
    return Frame(ts, None if host == "-" else host, ascii_int(pid), program, message, ts is None)


def _journal_json(line: str) -> Frame | None:
    """One `journalctl -o json` entry; None if it is not keepalived's or not an entry at all."""
    try:
        entry = orjson.loads(line)
    except ValueError:  # also too deep, a number out of range, lone surrogates
        return None
    if not isinstance(entry, dict):
        return None
    program = _field(entry, "SYSLOG_IDENTIFIER") or _field(entry, "_COMM")
    if not program or not is_keepalived(program):
        return None
    message = _field(entry, "MESSAGE")
    if message is None:
        return None
    ts = None
    micros = ascii_int(_field(entry, "__REALTIME_TIMESTAMP") or "")
    if micros is not None and micros >= 0:
        ts = _epoch(micros // 1_000_000, micros % 1_000_000)
    pid = _field(entry, "_PID") or _field(entry, "SYSLOG_PID")
    return _new(Frame, (
        ts,
        _field(entry, "_HOSTNAME"),
        ascii_int(pid) if pid else None,
        program,
        message.rstrip("\n"),
        micros is not None and ts is None,
    ))  # fmt: skip


def _field(entry: dict[str, Any], name: str) -> str | None:
    """A journal field as text: strings, byte arrays (non-UTF-8 data) and repeated fields."""
    value = entry.get(name)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        if all(isinstance(b, int) and 0 <= b < 256 for b in value):
            return bytes(value).decode("utf-8", "replace")
        first = value[0]  # a repeated field: the first value
        return first if isinstance(first, str) else None
    return None
