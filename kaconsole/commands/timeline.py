"""`kaconsole timeline [NODE=]FILE... [--json]`: one incident timeline from logs and captures.

Each file is a keepalived log (any framing, gzip too), a pcap/pcapng capture or a kaconsole
recording (its nodes' logs and adverts), told apart by its first bytes.
`node1=/var/log/keepalived.log` names the node a file came from; without a name, the file's name
stands in. The same advert seen by two captures counts once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kaconsole.commands.inputs import chunks, is_capture, open_text, text_lines
from kaconsole.commands.output import printable
from kaconsole.core.events import Advert
from kaconsole.core.facts import AdvertSeen, LogSeen
from kaconsole.core.insight.timeline import (
    Entry,
    Failover,
    log_entries,
    merge,
    received_entries,
    wire_entries,
)
from kaconsole.core.logs.parse import LogParser
from kaconsole.core.wire.capture import AdvertReader, adverts
from kaconsole.engine.playback import Recording, is_recording
from kaconsole.errors import InputError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "timeline",
        help="merge nodes' logs and captures into one incident timeline",
        description="Merge keepalived logs and VRRP captures from several nodes in time order, "
        "keep what changed on the wire, and measure each failover gap (the old master's last "
        "advert to the new master's first).",
    )
    parser.add_argument(
        "files", nargs="+", metavar="[NODE=]FILE", help="a keepalived log or a pcap/pcapng capture"
    )
    parser.add_argument("--json", action="store_true", help='print {"entries", "failovers"}')
    parser.add_argument("--year", type=int, help="year of syslog time stamps (default: this year)")
    parser.set_defaults(func=run)


def _named(arg: str) -> tuple[str, str]:
    name, sep, path = arg.partition("=")
    if sep and name and not Path(arg).exists():
        return name, path
    return Path(arg).name.split(".")[0] or arg, arg


def _adverts(path: str) -> list[Advert]:
    reader = AdvertReader()
    out = list(adverts(chunks(path), reader))
    if reader.stream.format is None:
        raise InputError(path, "not a pcap or pcapng capture")
    return out


def collect(args: list[str], year: int | None = None) -> tuple[list[Entry], list[Failover]]:
    logs: list[list[Entry]] = []
    adverts: dict[tuple[int, str, float], Advert] = {}
    capture_names = []
    for arg in args:
        node, path = _named(arg)
        if is_recording(path):
            recorded_logs, recorded_adverts = recorded_items(path)
            logs.extend(received_entries(n, seen) for n, seen in recorded_logs.items())
            capture_names.append(node)
            for adv in recorded_adverts:
                adverts.setdefault((adv.vrid, adv.src, round(adv.ts, 2)), adv)
        elif is_capture(path):
            capture_names.append(node)
            for adv in _adverts(path):
                adverts.setdefault((adv.vrid, adv.src, round(adv.ts, 2)), adv)
        else:
            with open_text(path) as handle:
                events = LogParser(year=year).events(text_lines(path, handle))
                logs.append(log_entries(node, events))
    wire, failovers = wire_entries("+".join(capture_names) or "wire", adverts.values())
    return merge(*logs, wire), failovers


def recorded_items(path: str) -> tuple[dict[str, list[LogSeen]], list[Advert]]:
    """A recording's log lines per node (with their arrival) and the adverts its nodes captured."""
    logs: dict[str, list[LogSeen]] = {}
    adverts: list[Advert] = []
    recording = Recording(path)
    try:
        for record in recording.records():
            if isinstance(record.fact, LogSeen):
                logs.setdefault(record.fact.node, []).append(record.fact)
            elif isinstance(record.fact, AdvertSeen):
                adverts.append(record.fact.advert)
    finally:
        recording.close()
    return logs, adverts


def _collapsed(entries: list[Entry]) -> list[tuple[Entry, int]]:
    """Runs of the same line from the same node (five GARPs in a row) shown once, counted."""
    out: list[tuple[Entry, int]] = []
    for e in entries:
        if out and (out[-1][0].node, out[-1][0].text) == (e.node, e.text):
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((e, 1))
    return out


def run(args: argparse.Namespace) -> int:
    entries, failovers = collect(args.files, args.year)
    if args.json:
        doc = {
            "entries": [e.to_json() for e in entries],
            "failovers": [f.to_json() for f in failovers],
        }
        json.dump(doc, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for e, times in _collapsed(entries):
        when = e.to_json()["ts"] or "-"
        again = f"  (x{times})" if times > 1 else ""
        row = f"{when[:26]:26}  {e.node:10} {e.kind:14} {e.text}{again}"
        sys.stdout.write(printable(row) + "\n")
    for f in failovers:
        resigned = "resigned with priority 0" if f.resigned else "went silent"
        sys.stdout.write(
            printable(
                f"failover VRID {f.vrid}: {f.old} -> {f.new}: {f.gap:.2f} s without a master "
                f"advert (the old master {resigned})"
            )
            + "\n"
        )
    if not failovers:
        sys.stdout.write("no failover seen on the wire\n")
    return 0
