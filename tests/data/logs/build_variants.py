"""Rebuild the syslog, journal and log-file variants of the captured reference run.

The console captures (console-*.log, from capture.sh on keepalived 2.2.7) are the real thing.
This host has no syslog daemon or journald, so the other framings are derived from them the way
rsyslog and journald frame keepalived's syslog() calls: the parent process logs as `Keepalived`,
the VRRP child as `Keepalived_vrrp`, with the pids the capture itself reports. Run from the repo
root: `python tests/data/logs/build_variants.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
NODES = (("console-reference-a.log", "lvs-master"), ("console-reference-b.log", "lvs-backup"))
# Lines the parent process writes before it forks the VRRP child or while it re-reads the config
_PARENT_ALWAYS = ("Starting Keepalived", "Stopping", "CPU usage", "Stopped Keepalived")
# Other programs' lines a real syslog/journal stream interleaves; the parser must skip them.
OTHERS = (
    ("systemd", 1, "Starting keepalived.service - LVS and VRRP High Availability Monitor..."),
    ("kernel", None, "IPv6: ADDRCONF(NETDEV_CHANGE): veth0: link becomes ready"),
    ("nginx", 611, "2026/11/25 15:26:12 [notice] 611#611: signal process started"),
    ("CRON", 7301, "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"),
)


def _records() -> list[tuple[datetime, str, str, int, str]]:
    """(time, host, program, pid, message) of both nodes, merged by time."""
    out = []
    for order, (name, host) in enumerate(NODES):
        lines = [(line[:24], line[26:]) for line in (HERE / name).read_text().splitlines()]
        # each run's pids: the child's from its "Starting VRRP child process, pid=N" line
        child_pids = [int(m.rsplit("=", 1)[1]) for _, m in lines if m.startswith("Starting VRRP c")]
        parent, run, in_second, last = True, -1, 0, ""
        for stamp, message in lines:
            in_second = in_second + 1 if stamp == last else 0
            last = stamp
            ts = datetime.strptime(stamp, "%a %b %d %H:%M:%S %Y")
            ts = ts.replace(microsecond=in_second * 9_973 + order * 4_001 + 1_000)
            if message.startswith("Starting Keepalived"):
                run += 1
            if message.startswith("Starting Keepalived") or message == "Reloading ...":
                parent = True
            is_parent = parent or message.startswith(_PARENT_ALWAYS)
            program = "Keepalived" if is_parent else "Keepalived_vrrp"
            pid = child_pids[run] - 1 if is_parent else child_pids[run]
            out.append((ts, host, program, pid, message))
            if message.startswith("Starting VRRP child process") or message == "Reloading":
                parent = False
    for i, (program, pid, message) in enumerate(OTHERS):
        ts = out[i * 25][0]
        out.append((ts.replace(microsecond=999_999), "lvs-master", program, pid or 0, message))
    out.sort(key=lambda r: r[0])
    return out


def _tag(program: str, pid: int) -> str:
    return f"{program}[{pid}]" if pid else program


def main() -> None:
    records = _records()
    variants: dict[str, list[str]] = {
        "syslog-reference.log": [],
        "rsyslog-iso-reference.log": [],
        "journal-short-iso-reference.log": [],
        "journal-short-precise-reference.log": [],
        "journal-short-full-reference.log": [],
        "journal-short-unix-reference.log": [],
        "journal-reference.json": [],
        "logfile-reference-a.log": [],
    }
    journal_header = "-- Boot 6c1d2e0f5a4b4c3d9e8f7a6b5c4d3e2f --"
    for key in ("journal-short-iso-reference.log", "journal-short-full-reference.log"):
        variants[key].append(journal_header)
    for cursor, (ts, host, program, pid, message) in enumerate(records):
        tag = _tag(program, pid)
        day = f"{ts:%b} {ts.day:2d}"
        variants["syslog-reference.log"].append(f"{day} {ts:%H:%M:%S} {host} {tag}: {message}")
        variants["rsyslog-iso-reference.log"].append(
            f"{ts:%Y-%m-%dT%H:%M:%S.%f}+00:00 {host} {tag}: {message}"
        )
        variants["journal-short-iso-reference.log"].append(
            f"{ts:%Y-%m-%dT%H:%M:%S}+0000 {host} {tag}: {message}"
        )
        variants["journal-short-precise-reference.log"].append(
            f"{day} {ts:%H:%M:%S.%f} {host} {tag}: {message}"
        )
        variants["journal-short-full-reference.log"].append(
            f"{ts:%a %Y-%m-%d %H:%M:%S} UTC {host} {tag}: {message}"
        )
        epoch = ts.replace(tzinfo=UTC).timestamp()
        variants["journal-short-unix-reference.log"].append(f"{epoch:.6f} {host} {tag}: {message}")
        entry: dict[str, object] = {
            "__CURSOR": f"s=6c1d2e0f;i={cursor + 1:x};b=6c1d2e0f;m={cursor:x}",
            "__REALTIME_TIMESTAMP": str(round(epoch * 1_000_000)),
            "_HOSTNAME": host,
            "PRIORITY": "6",
            "SYSLOG_FACILITY": "3",
            "SYSLOG_IDENTIFIER": program,
            "_COMM": "keepalived" if program.startswith("Keepalived") else program.lower(),
            "_SYSTEMD_UNIT": "keepalived.service" if program != "CRON" else "cron.service",
            "MESSAGE": message,
        }
        if pid:
            entry["_PID"] = str(pid)
        if "Running on Linux" in message:
            # journald stores non-UTF-8 text as an array of byte values
            entry["MESSAGE"] = list(message.encode() + b" \xff")
        variants["journal-reference.json"].append(json.dumps(entry))
        if host == "lvs-master" and program.startswith("Keepalived"):
            # keepalived -g FILE (2.x): "%a %b %d %T" + ".%9ld" nanoseconds + " %Y"
            nanos = f"{ts.microsecond:06d}{cursor * 7 % 1000:03d}"
            variants["logfile-reference-a.log"].append(
                f"{ts:%a %b %d %H:%M:%S}.{nanos} {ts:%Y}: {message}"
            )
    for name, lines in variants.items():
        (HERE / name).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
