"""`kaconsole logs parse FILE... [--json]`: keepalived log lines to events (CONTRACTS.md 3).

Any mix of framings per file (console, syslog, journalctl short-* or -o json; gzip-compressed
rotated logs too); a kaconsole recording gives the log events its nodes sent (with `node`). Files
stream line by line, so size does not matter; undecodable bytes become U+FFFD. Every file is opened
before anything is printed: a missing, directory or binary file is exit 2 with one line on stderr
and no partial output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from typing import IO, Any

from kaconsole.commands.inputs import open_text, text_lines
from kaconsole.commands.output import printable, write_json_lines
from kaconsole.core.events import LogEvent
from kaconsole.core.facts import LogSeen
from kaconsole.core.logs.parse import LogParser
from kaconsole.engine.playback import Recording, is_recording
from kaconsole.errors import InputError


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
        sources = [(path, stack.enter_context(open_text(path))) for path in paths]
        show_file = len(sources) > 1
        if args.json:
            write_json_lines(sys.stdout, _objects(sources, args.year, show_file))
        else:
            for path, event in _events(sources, args.year):
                sys.stdout.write(text_line(event, path if show_file else None) + "\n")
    return 0


Sources = list[tuple[str, IO[bytes]]]


def _events(sources: Sources, year: int | None) -> Iterator[tuple[str, LogEvent]]:
    for path, handle in sources:
        if is_recording(path):
            for node, recorded in _recorded(path):
                yield path, replace(recorded, host=recorded.host or node)
            continue
        for event in LogParser(year=year).events(text_lines(path, handle)):
            yield path, event


def _recorded(path: str) -> Iterator[tuple[str, LogEvent]]:
    """The log events a recording holds, each with the node it came from."""
    recording = Recording(path)
    try:
        for record in recording.records():
            if isinstance(record.fact, LogSeen):
                yield record.fact.node, record.fact.event
    finally:
        recording.close()


def _objects(sources: Sources, year: int | None, show_file: bool) -> Iterator[dict[str, Any]]:
    """Event objects, one loop deep: at 100k+ lines a second each generator layer shows."""
    for path, handle in sources:
        if is_recording(path):
            for node, recorded in _recorded(path):
                held = {**recorded.to_json(), "node": node}
                if show_file:
                    held["file"] = path
                yield held
            continue
        feed = LogParser(year=year).feed_json
        for number, (raw, cut) in enumerate(text_lines(path, handle), 1):
            obj = feed(raw, number, cut)
            if obj is not None:
                if show_file:
                    obj["file"] = path
                yield obj


def text_line(event: LogEvent, path: str | None) -> str:
    """One aligned, readable row: where, when, who, what, then the line's own words.

    Safe for a terminal: the log's own text, host and fields lose control characters.
    """
    where = f"{path}:{event.line}" if path else str(event.line)
    when = event.ts.isoformat(sep=" ") if event.ts else "-"
    extra = " ".join(f"{key}={value}" for key, value in event.fields.items() if value is not None)
    return printable(
        f"{where:>6} {when:26} {event.host or '-':12} {event.kind.value:14} "
        f"{event.instance or '-':12} {event.text}" + (f"  [{extra}]" if extra else "")
    )
