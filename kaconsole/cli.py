"""The `kaconsole` command: dispatches to one module per subcommand (CONTRACTS.md section 2)."""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from collections.abc import Sequence

from kaconsole import __version__
from kaconsole.errors import KaconsoleError

#: Subcommand modules under kaconsole.commands, in the order `--help` lists them.
COMMANDS = (
    "console",
    "demo",
    "status",
    "check",
    "drill",
    "logs",
    "conf",
    "pcap",
    "timeline",
    "replay",
    "serve",
    "lab",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that subcommand's module is imported (a fast start)."""
    parser = argparse.ArgumentParser(
        prog="kaconsole",
        description="Terminal operations console for keepalived/VRRP clusters.",
    )
    parser.add_argument("--version", action="version", version=f"kaconsole {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"kaconsole.commands.{name}").register(sub)
    return parser


def _typo(word: str) -> str | None:
    """The subcommand a word that is neither one nor an existing file was probably meant as."""
    if word in COMMANDS or word.startswith("-") or os.path.exists(word):
        return None
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    return close[0] if close else None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and (meant := _typo(args_list[0])) is not None:
        build_parser(meant).error(
            f"unknown command {args_list[0]!r} (and no such file); did you mean {meant!r}?"
        )
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        args_list.insert(0, "console")  # `kaconsole CLUSTER.yaml` is the console (CONTRACTS §2)
    first = args_list[0] if args_list else None
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = args.func(args)
    except KaconsoleError as exc:
        print(f"kaconsole: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kaconsole: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kaconsole logs parse ... | head` must not print a traceback.
        sys.stderr.close()
        return 0
    except OSError as exc:
        # A file we write (audit log, report, screenshot) on a full or read-only disk: one line.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kaconsole: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    return status
