"""Every state line of the supported versions, in seven framings and three non-English locales.

keepalived never calls setlocale, so its console and `-g` times are English everywhere; the
reader's locale shows in journalctl's short forms (strftime %b). Month names we do not know
leave the time unread (`ts_unreadable`), never the line.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from kaconsole.core.logs.months import LOCAL, month_number
from kaconsole.core.logs.parse import parse_line
from tests.kits.logformats import state_lines

AT = datetime(2026, 11, 24, 16, 13, 10)
#: November as `journalctl` prints it (%b) under LANG=ru_RU.UTF-8, zh_CN.UTF-8, ko_KR.UTF-8
NOVEMBER = {"ru": "ноя", "zh": "11月", "ko": "11월"}


def framings(month: str, message: str) -> dict[str, str]:
    entry = {
        "__REALTIME_TIMESTAMP": str(int(AT.timestamp()) * 1_000_000),
        "_HOSTNAME": "node1",
        "_PID": "3526",
        "SYSLOG_IDENTIFIER": "Keepalived_vrrp",
        "MESSAGE": message,
    }
    return {
        "console": f"Tue Nov 24 16:13:10 2026: {message}",
        "log file (-g)": f"Tue Nov 24 16:13:10.123456789 2026: {message}",
        "syslog": f"{month} 24 16:13:10 node1 Keepalived_vrrp[3526]: {message}",
        "RFC 5424": f"<30>1 2026-11-24T16:13:10.123456+01:00 node1 Keepalived_vrrp 3526 - - "
        f"{message}",
        "short-iso": f"2026-11-24T16:13:10+0100 node1 Keepalived_vrrp[3526]: {message}",
        "short-precise": f"{month} 24 16:13:10.123456 node1 Keepalived_vrrp[3526]: {message}",
        "json": json.dumps(entry, ensure_ascii=False),
    }


@pytest.mark.parametrize("locale", sorted(NOVEMBER))
@pytest.mark.parametrize(("message", "instance", "state"), state_lines())
def test_state_lines_in_every_framing_and_locale(
    locale: str, message: str, instance: str, state: str
) -> None:
    for name, line in framings(NOVEMBER[locale], message).items():
        event = parse_line(line, year=2026)
        assert event is not None, name
        assert (event.instance, event.fields["state"]) == (instance, state), name
        assert event.ts is not None, name
        assert event.ts.replace(microsecond=0) == AT, name
        assert "ts_unreadable" not in event.fields, name


@pytest.mark.parametrize(
    "stamp",
    [
        "окт 29 10:37:18",
        "1月 11 14:00:10",
        " 6월 03 15:32:24",
        "6월 03 15:32:24",
        "Okt 29 10:37:18",
        "févr. 03 10:37:18",
        "paź 29 10:37:18",
        "mag 03 10:37:18",
    ],
)
def test_localised_journal_times_are_read(stamp: str) -> None:
    event = parse_line(f"{stamp} n Keepalived_vrrp[5508]: (abc) Entering BACKUP STATE", year=2026)
    assert event is not None
    assert (event.instance, event.fields["state"], event.host) == ("abc", "BACKUP", "n")
    assert event.ts is not None


def test_an_unknown_month_name_keeps_the_line_and_says_its_time_is_unread() -> None:
    event = parse_line("Xyz. 29 10:37:18 n Keepalived_vrrp[1]: (abc) Entering MASTER STATE")
    assert event is not None
    assert (event.ts, event.fields) == (None, {"state": "MASTER", "ts_unreadable": True})
    assert parse_line("Xyz. 29 10:37:18 n sshd[1]: Accepted publickey") is None


@pytest.mark.parametrize(
    ("line", "host", "pid"),
    [
        ("Keepalived_vrrp[5508]: (abc) Entering BACKUP STATE", None, 5508),
        ("node1 Keepalived_vrrp[5508]: (abc) Entering BACKUP STATE", "node1", 5508),
        ("Keepalived: (abc) Entering BACKUP STATE", None, None),
        ("(abc) Entering BACKUP STATE", None, None),
    ],
)
def test_lines_without_a_time_give_events(line: str, host: str | None, pid: int | None) -> None:
    event = parse_line(line)
    assert event is not None
    assert (event.ts, event.host, event.pid, event.instance) == (None, host, pid, "abc")
    assert event.fields == {"state": "BACKUP"}


def test_every_locale_names_twelve_months_in_order() -> None:
    for names in LOCAL.values():
        assert [month_number(n) for n in names.split()] == list(range(1, 13))
