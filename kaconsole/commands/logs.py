"""`kaconsole logs parse FILE... [--json]`: keepalived log lines to events (CONTRACTS.md 3).

Any mix of framings per file (console, syslog, journalctl short-* or -o json; gzip-compressed
rotated logs too). Files stream line by line, so size does not matter; undecodable bytes become
U+FFFD. Every file is opened before anything is printed: a missing, directory or binary file
is exit 2 with one line on stderr and no partial output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO, Any

from kaconsole.core.events import LogEvent
from kaconsole.core.logparse import parse_lines
from kaconsole.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 8192  # bytes looked at to tell text from binary


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "logs",
        help="keepalived log tools",
        description="Read keepalived's log lines as typed events.",
    )
    logs_sub = parser.add_subparsers(dest="logs_command", metavar="ACTION", required=True)
    parse = logs_sub.add_parser(
        "parse",
        help="keepalived log text to events",
        description="Print one event per line keepalived wrote (other programs' lines are "
        "skipped); exit 0, or 2 when a file cannot be read. Secrets are printed as ***.",
    )
    parse.add_argument("files", nargs="+", metavar="FILE", help="log file; - reads stdin")
    parse.add_argument("--json", action="store_true", help="one JSON object per event")
    parse.add_argument(
        "--year",
        type=int,
        default=None,
        help="year of syslog time stamps, which have none (default: this year)",
    )
    parse.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths: list[str] = args.files
    if paths.count("-") > 1:
        raise InputError("-", "stdin can be read only once")
    with ExitStack() as stack:
        sources = [(path, stack.enter_context(_open(path))) for path in paths]
        show_file = len(sources) > 1
        out = sys.stdout
        for path, handle in sources:
            for event in parse_lines(_decoded(path, handle), year=args.year):
                if args.json:
                    obj = event.to_json()
                    if show_file:
                        obj["file"] = path
                    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
                else:
                    out.write(text_line(event, path if show_file else None) + "\n")
    return 0


def _open(path: str) -> IO[bytes]:
    """The file (or stdin) as bytes, gunzipped if need be; InputError unless it is text."""
    try:
        handle: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        head = _peek(handle)
        if head.startswith(_GZIP_MAGIC):
            handle = gzip.GzipFile(fileobj=handle)  # type: ignore[assignment]
            head = _peek(handle)
    except (OSError, EOFError) as exc:
        handle.close()
        raise InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if b"\0" in head.lstrip(b"\0"):  # a leading NUL run is logrotate copytruncate's, not binary
        handle.close()
        raise InputError(path, "not a text file (binary data); give a log file")
    return handle


def _peek(handle: IO[bytes]) -> bytes:
    peek = getattr(handle, "peek", None)
    if peek is None:  # GzipFile has peek too; any other stream is looked at as it comes
        return b""
    data: bytes = peek(_SNIFF)
    return data[:_SNIFF]


def _decoded(path: str, handle: IO[bytes]) -> Iterator[str]:
    """Lines split on \\n only (as syslog writes them), bad UTF-8 replaced, NUL padding gone."""
    try:
        for raw in handle:
            yield raw.lstrip(b"\0").decode("utf-8", errors="replace")
    except (OSError, EOFError) as exc:  # a truncated .gz, a read error mid-file
        raise InputError(path, f"read failed: {getattr(exc, 'strerror', None) or exc}") from None


def text_line(event: LogEvent, path: str | None) -> str:
    """One aligned, readable row: where, when, who, what, then the line's own words."""
    where = f"{path}:{event.line}" if path else str(event.line)
    when = event.ts.isoformat(sep=" ") if event.ts else "-"
    extra = " ".join(f"{key}={value}" for key, value in event.fields.items() if value is not None)
    return (
        f"{where:>6} {when:26} {event.host or '-':12} {event.kind.value:14} "
        f"{event.instance or '-':12} {event.text}" + (f"  [{extra}]" if extra else "")
    )
