"""Line framings: every format keepalived's text arrives in, and other programs' lines skipped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.logs.framing import WEEKDAYS, Frame, split_line

LOGS = Path(__file__).parents[3] / "data" / "logs"
MSG = "(VI_CLUSTER) Entering MASTER STATE"
AT = datetime(2026, 11, 24, 16, 13, 10)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # keepalived -l -n (strftime %c: day padded with a space)
        (f"Tue Nov 24 16:13:10 2026: {MSG}", Frame(AT, None, None, None, MSG)),
        (
            f"Wed Nov  4 06:01:02 2026: {MSG}",
            Frame(datetime(2026, 11, 4, 6, 1, 2), None, None, None, MSG),
        ),
        # keepalived -g FILE: nanoseconds, kept to the microsecond
        (
            f"Tue Nov 24 16:13:10.123456789 2026: {MSG}",
            Frame(AT.replace(microsecond=123456), None, None, None, MSG),
        ),
        (
            f"Nov 24 16:13:10 node1 Keepalived_vrrp[3526]: {MSG}",
            Frame(AT, "node1", 3526, "Keepalived_vrrp", MSG),
        ),
        (f"Nov 24 16:13:10 n Keepalived[1]: {MSG}", Frame(AT, "n", 1, "Keepalived", MSG)),
        (
            f"Nov 4 06:01:02 n Keepalived[1]: {MSG}",  # a day not padded to two places
            Frame(datetime(2026, 11, 4, 6, 1, 2), "n", 1, "Keepalived", MSG),
        ),
        (f"Nov 24 16:13:10 n keepalived[1]: {MSG}", Frame(AT, "n", 1, "keepalived", MSG)),
        (
            f"Nov 24 16:13:10 n Keepalived_healthcheckers[7]: {MSG}",
            Frame(AT, "n", 7, "Keepalived_healthcheckers", MSG),
        ),
        (f"Nov 24 16:13:10 n Keepalived_vrrp: {MSG}", Frame(AT, "n", None, "Keepalived_vrrp", MSG)),
        # journalctl -o short-precise
        (
            f"Nov 24 16:13:10.000042 n Keepalived_vrrp[2]: {MSG}",
            Frame(AT.replace(microsecond=42), "n", 2, "Keepalived_vrrp", MSG),
        ),
        # rsyslog RFC 3339, journalctl -o short-iso (old and new offset styles), short-iso-precise
        (
            f"2026-11-24T16:13:10.123456+00:00 h Keepalived_vrrp[1]: {MSG}",
            Frame(AT.replace(microsecond=123456), "h", 1, "Keepalived_vrrp", MSG),
        ),
        (
            f"2026-11-24T16:13:10+0100 h Keepalived_vrrp[1]: {MSG}",
            Frame(AT, "h", 1, "Keepalived_vrrp", MSG),
        ),
        (
            f"2026-11-24T16:13:10Z h Keepalived_vrrp[1]: {MSG}",
            Frame(AT, "h", 1, "Keepalived_vrrp", MSG),
        ),
        # journalctl -o short-full
        (
            f"Tue 2026-11-24 16:13:10 CET h Keepalived_vrrp[1]: {MSG}",
            Frame(AT, "h", 1, "Keepalived_vrrp", MSG),
        ),
        # journalctl -o short-monotonic: no wall-clock time
        (
            f"[ 1234.567890] h Keepalived_vrrp[1]: {MSG}",
            Frame(None, "h", 1, "Keepalived_vrrp", MSG),
        ),
        # RFC 5424 as sent on the wire
        (
            f"<30>1 2026-11-24T16:13:10.5Z h Keepalived_vrrp 12 - - {MSG}",
            Frame(AT.replace(microsecond=500000), "h", 12, "Keepalived_vrrp", MSG),
        ),
        (
            f'<30>1 2026-11-24T16:13:10Z - Keepalived_vrrp - - [x@1 a="b\\]c"][y@2 z=""] {MSG}',
            Frame(AT, None, None, "Keepalived_vrrp", MSG),
        ),
        # a raw syslog datagram (priority, no host added yet by a daemon) is still framed
        (f"<30>Nov 24 16:13:10 n Keepalived[1]: {MSG}", Frame(AT, "n", 1, "Keepalived", MSG)),
        # keepalived -t prints bare messages
        ("(Line 5) vrrp_garp_interval '0' is invalid", None),
        ("\r\n", None),
        ("", None),
    ],
)
def test_framings(line: str, expected: Frame | None) -> None:
    frame = split_line(line + "\n", year=2026)
    if expected is None and line.strip():
        assert frame == Frame(None, None, None, None, line)
    else:
        assert frame == expected


@pytest.mark.parametrize(
    "line",
    [
        "Nov 24 16:13:10 node1 kernel: [ 1.0] eth0: link up",
        "Nov 24 16:13:10 node1 systemd[1]: Started keepalived.service - LVS and VRRP HA Monitor.",
        "2026-11-24T16:13:10+0000 node1 nginx[12]: signal process started",
        "Tue 2026-11-24 16:13:10 UTC node1 CRON[9]: (root) CMD (true)",
        "1795538049.231731 node1 sshd[1]: Accepted publickey for root",
        "[ 1234.567890] node1 systemd[1]: Reached target multi-user.target",
        "<30>1 2026-11-24T16:13:10Z h nginx 12 - - started",
        "-- Boot 6c1d2e0f5a4b4c3d9e8f7a6b5c4d3e2f --",
        "-- No entries --",
        '{"SYSLOG_IDENTIFIER": "systemd", "MESSAGE": "Started keepalived.service"}',
        '{"MESSAGE": "no identifier at all"}',
        '{"SYSLOG_IDENTIFIER": "Keepalived_vrrp"}',
        "{not json",
    ],
)
def test_other_programs_and_markers_are_skipped(line: str) -> None:
    assert split_line(line, year=2026) is None


def test_syslog_year_comes_from_the_caller() -> None:
    line = f"Feb 29 00:00:00 h Keepalived[1]: {MSG}"
    assert split_line(line, year=2028) == Frame(datetime(2028, 2, 29), "h", 1, "Keepalived", MSG)
    # no 29 February in 2026: the line stays, its time is unknown and said to be
    assert split_line(line, year=2026) == Frame(None, "h", 1, "Keepalived", MSG, unreadable=True)
    frame = split_line(f"Nov 24 16:13:10 h Keepalived[1]: {MSG}")
    assert frame is not None
    assert frame.ts is not None
    assert frame.ts.year == datetime.now().year


def _entry(**fields: object) -> str:
    base: dict[str, object] = {
        "__REALTIME_TIMESTAMP": "1795538049231731",
        "_HOSTNAME": "lvs-master",
        "_PID": "3526",
        "SYSLOG_IDENTIFIER": "Keepalived_vrrp",
        "_COMM": "keepalived",
        "MESSAGE": MSG,
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None})


def test_journal_json_entry() -> None:
    local = datetime.fromtimestamp(1795538049).replace(microsecond=231731)
    assert split_line(_entry()) == Frame(local, "lvs-master", 3526, "Keepalived_vrrp", MSG)
    # json-seq record separator
    assert split_line("\x1e" + _entry()) == split_line(_entry())


def test_journal_json_message_as_bytes_and_fallbacks() -> None:
    raw = [*MSG.encode(), 0xFF]
    frame = split_line(_entry(MESSAGE=raw, SYSLOG_IDENTIFIER=None, _PID=None, SYSLOG_PID="9"))
    assert frame is not None
    assert frame.message == MSG + "\ufffd"
    assert frame.program == "keepalived"  # _COMM when there is no SYSLOG_IDENTIFIER
    assert frame.pid == 9
    repeated = split_line(_entry(MESSAGE=[MSG, "second value"]))
    assert repeated is not None
    assert repeated.message == MSG
    assert split_line(_entry(MESSAGE=None)) is None  # over 4096 bytes: journalctl gives null
    assert split_line(_entry(__REALTIME_TIMESTAMP="x")) == Frame(
        None, "lvs-master", 3526, "Keepalived_vrrp", MSG
    )


@pytest.mark.parametrize("path", sorted(LOGS.glob("*-reference*")), ids=lambda p: p.name)
def test_every_variant_of_the_reference_run_frames_the_same_messages(path: Path) -> None:
    """syslog, journal and log-file variants carry the console capture's messages, in order."""
    frames = [f for f in map(split_line, path.read_text().splitlines()) if f is not None]
    messages = [f.message.removesuffix(" \ufffd") for f in frames]
    console = [
        line[26:]
        for name in ("console-reference-a.log", "console-reference-b.log")
        for line in (LOGS / name).read_text().splitlines()
    ]
    if path.name == "configtest-reference.log":
        assert all(f.ts is None for f in frames)
        return
    if path.name.startswith("console-"):
        assert all(f.ts is not None and f.host is None for f in frames)
        return
    if path.name == "logfile-reference-a.log":
        console = (LOGS / "console-reference-a.log").read_text().splitlines()
        assert messages == [line[26:] for line in console]
        assert all(f.ts is not None and f.ts.microsecond for f in frames)
        return
    assert sorted(messages) == sorted(console)
    assert {f.host for f in frames} == {"lvs-master", "lvs-backup"}
    assert all(f.program and f.program.startswith("Keepalived") for f in frames)
    assert all(f.pid for f in frames)


# --- properties -----------------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"))
_token = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="[]:"), min_size=1
)
_program = st.sampled_from(
    ["Keepalived", "Keepalived_vrrp", "Keepalived_healthcheckers", "Keepalived_bfd", "keepalived"]
)
_when = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31))


@given(st.text())
def test_arbitrary_text_never_raises(line: str) -> None:
    frame = split_line(line)
    assert frame is None or isinstance(frame, Frame)


@given(st.binary())
def test_arbitrary_bytes_decoded_never_raise(data: bytes) -> None:
    split_line(data.decode("utf-8", "replace"))


@given(_when, _text)
def test_console_round_trip(ts: datetime, message: str) -> None:
    stamp = f"{WEEKDAYS[ts.weekday()]} {ts:%b} {ts.day:2d} {ts:%H:%M:%S}"
    for line, expected in (
        (f"{stamp} {ts.year}: {message}", ts.replace(microsecond=0)),
        (f"{stamp}.{ts.microsecond:06d}123 {ts.year}: {message}", ts),
    ):
        assert split_line(line) == Frame(expected, None, None, None, message)


@given(_when, _token, st.integers(1, 4_194_304), _program, _text)
def test_syslog_and_journal_round_trip(
    ts: datetime, host: str, pid: int, program: str, message: str
) -> None:
    tail = f"{host} {program}[{pid}]: {message}"
    day = f"{ts:%b} {ts.day:2d}"
    for line, expected in (
        (f"{day} {ts:%H:%M:%S} {tail}", ts.replace(microsecond=0)),
        (f"{day} {ts:%H:%M:%S.%f} {tail}", ts),
        (f"{ts:%b} {ts.day} {ts:%H:%M:%S} {tail}", ts.replace(microsecond=0)),
        (f"{ts:%Y-%m-%dT%H:%M:%S.%f}+00:00 {tail}", ts),
        (f"{ts:%Y-%m-%dT%H:%M:%S}+0000 {tail}", ts.replace(microsecond=0)),
        (f"{WEEKDAYS[ts.weekday()]} {ts:%Y-%m-%d %H:%M:%S} UTC {tail}", ts.replace(microsecond=0)),
    ):
        assert split_line(line, year=ts.year) == Frame(expected, host, pid, program, message)


@given(_when, _token, st.integers(1, 4_194_304), _program, _text)
def test_journal_json_round_trip(
    ts: datetime, host: str, pid: int, program: str, message: str
) -> None:
    micros = round(ts.timestamp() * 1_000_000)
    entry = {
        "__REALTIME_TIMESTAMP": str(micros),
        "_HOSTNAME": host,
        "_PID": str(pid),
        "SYSLOG_IDENTIFIER": program,
        "MESSAGE": list(message.encode()),
    }
    expected = datetime.fromtimestamp(micros // 1_000_000).replace(microsecond=micros % 1_000_000)
    assert split_line(json.dumps(entry)) == Frame(expected, host, pid, program, message)
