"""`kaconsole pcap FILE [--json]`: the VRRP adverts in a capture (CONTRACTS.md section 6).

The file (or stdin, `-`) is read in chunks through the same incremental reader the live console
feeds from `tcpdump -U -w -`, so a pipe from a running tcpdump prints adverts as they arrive.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from kaconsole.commands.inputs import chunks
from kaconsole.core.events import Advert, BadPacket
from kaconsole.core.wire.capture import AdvertReader
from kaconsole.core.wire.pcap import PcapStream
from kaconsole.errors import InputError

_COLUMNS = ("time", "src", "dst", "ver", "vrid", "prio", "int", "auth", "addresses", "problems")
#: Fixed widths so the table streams (IPv6 link-local sources are 25 characters).
_WIDTHS = (26, 25, 15, 3, 4, 4, 4, 6, 23, 0)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "pcap",
        help="VRRP adverts in a pcap/pcapng capture",
        description="Decode the VRRP adverts (v2/v3, IPv4/IPv6, inside IPsec AH) in a capture "
        "made with tcpdump; FILE - reads a capture stream from stdin.",
    )
    parser.add_argument("file", metavar="FILE", help="pcap or pcapng file, or - for stdin")
    parser.add_argument("--json", action="store_true", help="one JSON object per advert")
    parser.set_defaults(func=run)


def _when(ts: float) -> str:
    """Local wall-clock time, as tcpdump prints it; raw seconds if the time is out of range."""
    try:
        return datetime.fromtimestamp(ts, tz=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")
    except (OverflowError, OSError, ValueError):
        return f"{ts:.6f}"


def _row(item: Advert | BadPacket) -> tuple[str, ...]:
    when = _when(item.ts)
    if isinstance(item, BadPacket):
        return (when, item.src, item.dst, "", "", "", "", "", f"error: {item.error}", "")
    return (
        when,
        item.src,
        item.dst,
        str(item.version),
        str(item.vrid),
        str(item.priority),
        f"{item.advert_int:g}",
        item.auth_type,
        ",".join(item.addresses),
        "; ".join(item.problems),
    )


def _json_line(item: Advert | BadPacket) -> str:
    out = item.to_json()
    if isinstance(item, Advert) and item.auth_fingerprint:
        out["auth_fingerprint"] = item.auth_fingerprint
    return json.dumps(out)


def _table_line(cells: tuple[str, ...]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, _WIDTHS, strict=True)).rstrip()


def run(args: argparse.Namespace) -> int:
    path: str = args.file
    reader = AdvertReader()
    stream = reader.stream
    adverts = 0
    for chunk in chunks(path):
        lines = []
        for item in reader.feed(chunk):
            if not args.json and not adverts:
                lines.append(_table_line(_COLUMNS))
            adverts += 1
            lines.append(_json_line(item) if args.json else _table_line(_row(item)))
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
            sys.stdout.flush()
    if stream.format is None:
        raise InputError(path, "not a pcap or pcapng capture")
    if not args.json and not adverts:
        print(f"{path}: no VRRP adverts", file=sys.stderr)
    _warn(path, stream, adverts)
    return 0


def _warn(path: str, stream: PcapStream, adverts: int) -> None:
    """Damage and truncation go to stderr: stdout stays pure JSON."""
    stats = stream.stats
    if stats.errors:
        print(
            f"kaconsole: warning: {path}: {stats.errors} malformed header(s) or block(s), "
            f"{stats.skipped_bytes} byte(s) skipped",
            file=sys.stderr,
        )
    if stream.pending:
        print(
            f"kaconsole: warning: {path}: truncated: {stream.pending} byte(s) of an incomplete "
            f"record at the end ({adverts} advert(s) decoded)",
            file=sys.stderr,
        )
