"""keepalived messages -> LogEvent: each kind in 1.x and 2.x wording, on real captured runs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.logs.parse import parse_line, parse_lines
from kaconsole.core.logs.wording import classify

LOGS = Path(__file__).parents[3] / "data" / "logs"
K = LogKind

# (message, kind, instance, fields): wording from keepalived's source, see logparse's table
CASES: list[tuple[str, LogKind, str | None, dict[str, Any]]] = [
    ("(VI_1) Entering MASTER STATE", K.STATE, "VI_1", {"state": "MASTER"}),
    ("(VI_1) Entering BACKUP STATE (init)", K.STATE, "VI_1", {"state": "BACKUP"}),
    ("(VI_1) Entering FAULT STATE", K.STATE, "VI_1", {"state": "FAULT"}),
    ("(VI_1) Entering INIT STATE", K.STATE, "VI_1", {"state": "INIT"}),
    ("(VI_1) Entering STOP STATE", K.STATE, "VI_1", {"state": "STOP"}),
    ("VRRP_Instance(VI_1) Entering MASTER STATE", K.STATE, "VI_1", {"state": "MASTER"}),
    ("VRRP_Instance(VI_1): Entering BACKUP STATE", K.STATE, "VI_1", {"state": "BACKUP"}),
    ("VRRP_Instance(VI_1) Now in FAULT state", K.STATE, "VI_1", {"state": "FAULT"}),
    ("(vi 1/a.b-c) Entering MASTER STATE", K.STATE, "vi 1/a.b-c", {"state": "MASTER"}),
    ("VRRP_Instance(VI_1) Transition to MASTER STATE", K.TRANSITION, "VI_1", {"state": "MASTER"}),
    ("VRRP_Instance(VI_1): Transition to MASTER STATE", K.TRANSITION, "VI_1", {"state": "MASTER"}),
    (
        "(VI_1) Changing effective priority from 120 to 90",
        K.PRIORITY,
        "VI_1",
        {"from": 120, "to": 90},
    ),
    (
        "VRRP_Instance(VI_1) Changing effective priority from 90 to 120",
        K.PRIORITY,
        "VI_1",
        {"from": 90, "to": 120},
    ),
    (
        "(VI_1) Master received advert from 10.0.0.2 with higher priority 100, ours 90",
        K.ADVERT_HIGHER,
        "VI_1",
        {"peer": "10.0.0.2", "priority": 100, "ours": 90},
    ),
    (
        "(VI_1) Master received advert from 10.0.0.2 with same priority 100 but higher IP "
        "address than ours",
        K.ADVERT_HIGHER,
        "VI_1",
        {"peer": "10.0.0.2", "priority": 100, "ours": 100, "tie": True},
    ),
    (
        "VRRP_Instance(VI_1) Master received advert with same priority 100 but higher IP "
        "address than ours (10.0.0.2)",
        K.ADVERT_HIGHER,
        "VI_1",
        {"peer": "10.0.0.2", "priority": 100, "ours": 100, "tie": True},
    ),
    (
        "VRRP_Instance(VI_1) Master received advert with higher priority 150, ours 120",
        K.ADVERT_HIGHER,
        "VI_1",
        {"peer": None, "priority": 150, "ours": 120},
    ),
    (
        "VRRP_Instance(VI_1) Received advert with higher priority 100, ours 90",
        K.ADVERT_HIGHER,
        "VI_1",
        {"peer": None, "priority": 100, "ours": 90},
    ),
    (
        "VRRP_Instance(VI_1) Received higher prio advert 150",
        K.ADVERT_HIGHER,
        "VI_1",
        {"peer": None, "priority": 150, "ours": None},
    ),
    (
        "(VI_1) received lower priority (90) advert from 10.0.0.1 - discarding",
        K.ADVERT_LOWER,
        "VI_1",
        {"peer": "10.0.0.1", "priority": 90},
    ),
    (
        "(VI_1) Received advert from 10.0.0.2 with lower priority 100, ours 120, forcing new "
        "election",
        K.ADVERT_LOWER,
        "VI_1",
        {"peer": "10.0.0.2", "priority": 100, "ours": 120},
    ),
    (
        "VRRP_Instance(VI_1) Received advert with lower priority 100, ours 120, forcing new "
        "election",
        K.ADVERT_LOWER,
        "VI_1",
        {"peer": None, "priority": 100, "ours": 120},
    ),
    (
        "VRRP_Instance(VI_1) Received lower prio advert 50, forcing new election",
        K.ADVERT_LOWER,
        "VI_1",
        {"peer": None, "priority": 50, "ours": None},
    ),
    ("(VI_1) Backup received priority 0 advertisement", K.ADVERT_ZERO, "VI_1", {"peer": None}),
    ("(VI_1) sent 0 priority", K.SENT_ZERO, "VI_1", {}),
    ("VRRP_Instance(VI_1) sent 0 priority", K.SENT_ZERO, "VI_1", {}),
    ("(VI_1) Receive advertisement timeout", K.ADVERT_TIMEOUT, "VI_1", {}),
    ("(VI_1) setting VIPs.", K.VIPS, "VI_1", {"action": "set"}),
    ("(VI_1) removing VIPs.", K.VIPS, "VI_1", {"action": "remove"}),
    ("(VI_1) removing E-VIPs.", K.VIPS, "VI_1", {"action": "remove", "evips": True}),
    ("VRRP_Instance(VI_1) setting protocol VIPs.", K.VIPS, "VI_1", {"action": "set"}),
    ("VRRP_Instance(VI_1) removing protocol VIPs.", K.VIPS, "VI_1", {"action": "remove"}),
    (
        "Sending gratuitous ARP on eth0 for 10.0.0.1",
        K.GARP,
        None,
        {"address": "10.0.0.1", "interface": "eth0"},
    ),
    (
        "Sending unsolicited Neighbour Advert on eth0 for fe80::1",
        K.GARP,
        None,
        {"address": "fe80::1", "interface": "eth0"},
    ),
    (
        "(VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.1",
        K.GARP,
        "VI_1",
        {"address": "10.0.0.1", "interface": "eth0", "queued": True},
    ),
    (
        "Script `chk_nginx` now returning 1",
        K.SCRIPT,
        None,
        {"script": "chk_nginx", "ok": False, "status": 1},
    ),
    (
        "Script `chk_nginx` now returning 0",
        K.SCRIPT,
        None,
        {"script": "chk_nginx", "ok": True, "status": 0},
    ),
    ("VRRP_Script(chk) succeeded", K.SCRIPT, None, {"script": "chk", "ok": True, "status": None}),
    ("VRRP_Script(chk) failed", K.SCRIPT, None, {"script": "chk", "ok": False, "status": None}),
    (
        "VRRP_Script(chk) failed (exited with status 2)",
        K.SCRIPT,
        None,
        {"script": "chk", "ok": False, "status": 2},
    ),
    (
        "VRRP_Script(chk) failed (due to signal 9)",
        K.SCRIPT,
        None,
        {"script": "chk", "ok": False, "status": None, "signal": 9},
    ),
    (
        "VRRP_Script(chk) timed_out",
        K.SCRIPT,
        None,
        {"script": "chk", "ok": False, "status": None, "timed_out": True},
    ),
    (
        "VRRP_Script(chk) timed out",
        K.SCRIPT,
        None,
        {"script": "chk", "ok": False, "status": None, "timed_out": True},
    ),
    (
        "VRRP_Script(chk) considered successful on reload",
        K.SCRIPT,
        None,
        {"script": "chk", "ok": True, "status": None},
    ),
    (
        "VRRP_Script(chk) considered unsuccessful on reload",
        K.SCRIPT,
        None,
        {"script": "chk", "ok": False, "status": None},
    ),
    (
        "Starting Keepalived v2.2.7 (01/16,2022)",
        K.DAEMON,
        None,
        {"action": "start", "process": "keepalived", "version": "2.2.7"},
    ),
    (
        "Starting VRRP child process, pid=7175",
        K.DAEMON,
        None,
        {"action": "start", "process": "vrrp", "child_pid": 7175},
    ),
    (
        "Starting Healthcheck child process, pid=12",
        K.DAEMON,
        None,
        {"action": "start", "process": "healthcheck", "child_pid": 12},
    ),
    ("Stopping", K.DAEMON, None, {"action": "stop", "process": "keepalived"}),
    (
        "Stopped Keepalived v2.2.7 (01/16,2022)",
        K.DAEMON,
        None,
        {"action": "stop", "process": "keepalived"},
    ),
    ("Stopped", K.DAEMON, None, {"action": "stop", "process": "child"}),
    (
        "Stopped - used (self/children) 0.004241/0.025365 user time, 0.01/0.006 system time",
        K.DAEMON,
        None,
        {"action": "stop", "process": "child"},
    ),
    ("Reloading ...", K.DAEMON, None, {"action": "reload"}),
    ("Reloading", K.DAEMON, None, {"action": "reload"}),
    ("Got SIGHUP, reloading checker configuration", K.DAEMON, None, {"action": "reload"}),
    ("(VI_1) received an invalid passwd!", K.AUTH_ERROR, "VI_1", {"peer": None}),
    ("(VI_1): received an invalid passwd!", K.AUTH_ERROR, "VI_1", {"peer": None}),
    ("receive an invalid passwd!", K.AUTH_ERROR, None, {"peer": None}),
    ("(VI_1) received a 1 auth, expecting 0!", K.AUTH_ERROR, "VI_1", {"peer": None}),
    ("(VI_1) Invalid auth type: 3", K.AUTH_ERROR, "VI_1", {"peer": None}),
    ("(VI_1) No AH header but auth type is AH", K.AUTH_ERROR, "VI_1", {"peer": None}),
    ("(VI_1) bad auth from 10.0.0.2", K.AUTH_ERROR, "VI_1", {"peer": None}),
    ("(VI_1) password mismatch", K.AUTH_ERROR, "VI_1", {"peer": None}),
    (
        "(VI_CLUSTER) Strict mode does not support authentication. Ignoring.",
        K.CONFIG,
        "VI_CLUSTER",
        {},
    ),
    ("(VI_1): VRRP version 3 does not support authentication. Ignoring.", K.CONFIG, "VI_1", {}),
    ("(VI_CLUSTER) State MASTER must match being address owner", K.CONFIG, "VI_CLUSTER", {}),
    ("Truncating auth_pass to 8 characters", K.CONFIG, None, {}),
    (
        "(/etc/keepalived/keepalived.conf: Line 26) Truncating auth_pass to 8 characters",
        K.CONFIG,
        None,
        {"conf_line": 26, "conf_file": "/etc/keepalived/keepalived.conf"},
    ),
    ("(Line 5) vrrp_garp_interval '0' is invalid", K.CONFIG, None, {"conf_line": 5}),
    (
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled.",
        K.CONFIG,
        None,
        {},
    ),
    ("Script user 'keepalived_script' does not exist", K.CONFIG, None, {}),
    ("Unknown keyword 'auth_pas'", K.CONFIG, None, {}),
    ("Disabling track script monitor_nginx since not found/accessible", K.CONFIG, None, {}),
    (
        "VRRP thread timer expired 2.504117 seconds ago",
        K.OTHER,
        None,
        {"tag": "timer_expired", "seconds": 2.504117},
    ),
    (
        "Unknown VRID(52) received on interface(eth1) from 192.0.2.13. ignoring...",
        K.OTHER,
        None,
        {"tag": "unknown_vrid", "vrid": 52, "interface": "eth1", "peer": "192.0.2.13"},
    ),
    (
        "Unknown VRID(52) received on interface(veth0). ignoring...",
        K.OTHER,
        None,
        {"tag": "unknown_vrid", "vrid": 52, "interface": "veth0", "peer": None},
    ),
    (
        "(VI_1): entering FAULT state (interface eth1 down)",
        K.OTHER,
        "VI_1",
        {"tag": "fault_reason", "reason": "interface eth1 down"},
    ),
    (
        "(VI_1): entering FAULT state due to script chk",
        K.OTHER,
        "VI_1",
        {"tag": "fault_reason", "reason": "due to script chk"},
    ),
    (
        "Netlink reports veth0 down",
        K.OTHER,
        None,
        {"tag": "interface", "interface": "veth0", "up": False},
    ),
    (
        "Kernel is reporting: interface eth0 UP",
        K.OTHER,
        None,
        {"tag": "interface", "interface": "eth0", "up": True},
    ),
    (
        "(VI_1) interface eth1 is down",
        K.OTHER,
        "VI_1",
        {"tag": "interface", "interface": "eth1", "up": False},
    ),
    (
        "(VI_1) expected 1 VIPs but received 2",
        K.OTHER,
        "VI_1",
        {"tag": "vip_mismatch", "peer": None},
    ),
    (
        "(VI_1): advertisement interval mismatch mine=1 sec rcved=2 sec",
        K.OTHER,
        "VI_1",
        {"tag": "advert_int_mismatch", "peer": None},
    ),
    (
        "VRRP_Group(VG_1) Transition to MASTER state",
        K.OTHER,
        None,
        {"tag": "sync_group", "group": "VG_1"},
    ),
    ("(VI_1) setting firewall drop rule", K.OTHER, "VI_1", {}),
    ("Startup complete", K.OTHER, None, {}),
    ("", K.OTHER, None, {}),
    ("(", K.OTHER, None, {}),
    ("()", K.OTHER, "", {}),
]


@pytest.mark.parametrize(
    ("message", "kind", "instance", "fields"), CASES, ids=lambda v: str(v)[:60]
)
def test_wording(message: str, kind: LogKind, instance: str | None, fields: dict[str, Any]) -> None:
    assert classify(message) == (kind, instance, fields)


def test_every_kind_is_covered() -> None:
    assert {kind for _, kind, _, _ in CASES} == set(LogKind)


def test_parse_line_keeps_the_frame_and_the_contract_shape() -> None:
    event = parse_line(
        "Nov 24 16:13:13 node1 Keepalived_vrrp[3526]: (VI_CLUSTER) Entering MASTER STATE\n",
        line=12,
        year=2026,
    )
    assert event is not None
    assert event.to_json() == {
        "line": 12,
        "ts": "2026-11-24T16:13:13",
        "host": "node1",
        "pid": 3526,
        "kind": "state",
        "instance": "VI_CLUSTER",
        "state": "MASTER",
        "text": "(VI_CLUSTER) Entering MASTER STATE",
    }
    assert parse_line("Nov 24 16:13:13 node1 sshd[1]: Accepted publickey") is None


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("   Password = secret12", "secret12"),  # 1.x -d dump through the log
        ("   auth_pass cluster_pass", "cluster_pass"),
        ('{"auth_data": "cluster_", "auth_type": 1}', "cluster_"),
        ("(Line 24) auth_pass hunter2x", "hunter2x"),
    ],
)
def test_secrets_never_reach_the_text(message: str, secret: str) -> None:
    event = parse_line(f"Tue Nov 24 16:13:10 2026: {message}")
    assert event is not None
    assert secret not in event.text
    assert "***" in event.text
    assert secret not in str(event.to_json())


def test_line_numbers_count_every_input_line() -> None:
    lines = [
        "Nov 24 16:13:10 n kernel: eth0 up",
        "Nov 24 16:13:11 n Keepalived_vrrp[2]: (VI_1) Entering BACKUP STATE",
        "",
        "Nov 24 16:13:12 n Keepalived_vrrp[2]: (VI_1) Entering MASTER STATE",
    ]
    events = list(parse_lines(lines, year=2026))
    assert [(e.line, e.fields["state"]) for e in events] == [(2, "BACKUP"), (4, "MASTER")]
    assert events[1].ts == datetime(2026, 11, 24, 16, 13, 12)


# --- real captures (keepalived 2.2.7 in network namespaces, tests/data/logs/capture.sh) ---------


def _events(name: str) -> list[LogEvent]:
    return list(parse_lines((LOGS / name).read_text().splitlines(), year=2026))


def _story(events: list[LogEvent]) -> list[tuple[str, Any]]:
    """The decisive events, in order: states, priorities, adverts, daemon start/stop."""
    keep = {K.STATE, K.PRIORITY, K.ADVERT_HIGHER, K.ADVERT_ZERO, K.SENT_ZERO}
    out: list[tuple[str, Any]] = []
    for e in events:
        if e.kind in keep:
            out.append(
                (e.kind.value, e.fields.get("state") or e.fields.get("to") or e.fields.get("peer"))
            )
        elif e.kind is K.DAEMON and e.fields.get("process") == "keepalived":
            out.append(("daemon", e.fields["action"]))
    return out


def test_reference_failover_on_the_backup() -> None:
    """The master's check script stops keepalived: priority 0, the backup takes over at once."""
    events = _events("console-reference-b.log")
    story = _story(events)
    zero = story.index(("advert_zero", None))
    assert story[zero + 1] == ("state", "MASTER")
    assert ("advert_higher", "192.0.2.11") in story[zero:]  # recovery: the master preempts
    assert story[-1] == ("daemon", "stop")
    first = next(e for e in events if e.kind is K.ADVERT_ZERO)
    took_over = next(e for e in events if e.kind is K.STATE and e.line > first.line)
    assert first.ts is not None
    assert took_over.ts is not None
    assert (took_over.ts - first.ts).total_seconds() < 1


def test_reference_master_stops_and_comes_back() -> None:
    events = _events("console-reference-a.log")
    kinds = Counter(e.kind for e in events)
    assert kinds[K.SENT_ZERO] == 2  # stopped by the check script, then at the end of the run
    assert [
        e.fields["action"]
        for e in events
        if e.kind is K.DAEMON and e.fields["process"] == "keepalived"
    ] == [
        "start",
        "stop",
        "stop",
        "start",
        "stop",
        "stop",
    ]
    config = [e.text for e in events if e.kind is K.CONFIG]
    assert "(VI_CLUSTER) Strict mode does not support authentication. Ignoring." in config
    assert any("vrrp_garp_interval '0' is invalid" in t for t in config)
    assert any("Truncating auth_pass to 8 characters" in t for t in config)


def test_weight_moves_the_vip_and_back() -> None:
    story = _story(_events("console-weight-a.log"))
    assert story[story.index(("priority", 90)) : story.index(("priority", 120)) + 2] == [
        ("priority", 90),
        ("advert_higher", "192.0.2.12"),
        ("state", "BACKUP"),
        ("priority", 120),
        ("state", "MASTER"),
    ]
    backup = _events("console-weight-b.log")
    assert [e.fields["priority"] for e in backup if e.kind is K.ADVERT_LOWER] == [90, 90, 90]


def test_tie_keeps_the_master() -> None:
    """Weight -20 takes 120 to 100, equal to the backup: no transition on either node."""
    a, b = _events("console-tie-a.log"), _events("console-tie-b.log")
    assert ("priority", 100) in _story(a)
    drop = next(e.ts for e in a if e.kind is K.PRIORITY)
    restore = next(e.ts for e in a if e.kind is K.PRIORITY and e.fields["to"] == 120)
    assert drop is not None
    assert restore is not None
    assert not [e for e in a + b if e.kind is K.STATE and e.ts and drop <= e.ts <= restore]


def test_split_brain_heals_by_the_higher_address() -> None:
    a = _events("console-splitbrain-a.log")
    tie = next(e for e in a if e.kind is K.ADVERT_HIGHER)
    assert tie.fields == {"peer": "192.0.2.12", "priority": 100, "ours": 100, "tie": True}
    after = [e for e in a if e.kind is K.STATE and e.line > (tie.line or 0)]
    assert after[0].fields["state"] == "BACKUP"
    b = _events("console-splitbrain-b.log")
    vrid = [e.fields for e in b if e.fields.get("tag") == "unknown_vrid"]
    assert vrid[0] == {"tag": "unknown_vrid", "vrid": 52, "interface": "veth0", "peer": None}
    assert {"state": "FAULT"} in [e.fields for e in b if e.kind is K.STATE]
    assert [e.fields["up"] for e in b if e.fields.get("tag") == "interface"] == [False, True]


def test_auth_mismatch() -> None:
    b = _events("console-auth-b.log")
    assert Counter(e.kind for e in b)[K.AUTH_ERROR] >= 1
    assert all(e.instance == "VI_CLUSTER" for e in b if e.kind is K.AUTH_ERROR)


def test_config_test_output_is_all_config() -> None:
    events = _events("configtest-reference.log")
    assert {e.kind for e in events} == {K.CONFIG}
    assert events[0].fields == {"conf_line": 5}
    assert events[0].ts is None


def test_same_events_whatever_the_framing() -> None:
    """Every syslog/journal rendering of the reference run yields the same classified events."""

    def key(e: LogEvent) -> tuple[Any, ...]:
        return (
            e.ts,
            e.host,
            e.pid,
            e.kind,
            e.instance,
            tuple(e.fields.items()),
            e.text.removesuffix(" \ufffd"),
        )

    base = [key(e) for e in _events("rsyslog-iso-reference.log")]
    assert len(base) == 190
    assert [key(e) for e in _events("journal-short-precise-reference.log")] == base
    for name in (
        "syslog-reference.log",
        "journal-short-iso-reference.log",
        "journal-short-full-reference.log",
    ):
        seconds = [(k[0].replace(microsecond=0), *k[1:]) for k in base]
        assert [key(e) for e in _events(name)] == seconds, name
    # epoch times (the samples were taken in UTC) are shown in this host's local time
    local = [(datetime.fromtimestamp(k[0].replace(tzinfo=UTC).timestamp()), *k[1:]) for k in base]
    for name in ("journal-reference.json", "journal-short-unix-reference.log"):
        assert [key(e) for e in _events(name)] == local, name


def test_1x_wording_sample() -> None:
    events = _events("wording-1x-syslog.log")
    kinds = Counter(e.kind for e in events)
    assert kinds[K.TRANSITION] == 2
    assert kinds[K.STATE] == 7  # with 1.x's `Now in FAULT state`
    assert all(e.host == "lb1" and e.pid for e in events)
    assert all(e.instance in (None, "VI_1") for e in events)
    assert "secret12" not in "".join(e.text for e in events)
