"""Throughput of the keepalived log parser, per line framing (prints lines/s; asserts nothing).

Run: `python tests/bench/bench_logparse.py [SECONDS_PER_FORMAT]`. Each format's sample from
tests/data/logs is repeated to about 100,000 lines and parsed on one core; the figure counts
input lines (other programs' lines included, as a real syslog file has them).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from kaconsole.core.logs.framing import split_line
from kaconsole.core.logs.parse import parse_lines

DATA = Path(__file__).resolve().parents[1] / "data" / "logs"
FORMATS = {
    "console (-l -n)": "console-reference-a.log",
    "log file (-g, ns)": "logfile-reference-a.log",
    "syslog": "syslog-reference.log",
    "rsyslog RFC 3339": "rsyslog-iso-reference.log",
    "journal short-iso": "journal-short-iso-reference.log",
    "journal short-precise": "journal-short-precise-reference.log",
    "journal short-full": "journal-short-full-reference.log",
    "journal short-unix": "journal-short-unix-reference.log",
    "journal json": "journal-reference.json",
}
TARGET_LINES = 100_000


def rate(lines: list[str], run: Callable[[list[str]], object], budget: float) -> float:
    """Best lines per CPU second over repeated runs within `budget` CPU seconds.

    CPU time, not wall time: other processes on the machine do not count against us.
    """
    best = 0.0
    deadline = time.process_time() + budget
    while True:
        start = time.process_time()
        run(lines)
        elapsed = time.process_time() - start
        best = max(best, len(lines) / elapsed)
        if time.process_time() > deadline:
            return best


def _parse(lines: list[str]) -> object:
    return sum(1 for _ in parse_lines(lines, year=2026))


def _frame(lines: list[str]) -> object:
    return sum(1 for line in lines if split_line(line, year=2026) is not None)


def main() -> None:
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    print(f"{'format':24} {'parse lines/s':>14} {'framing only':>14}  us/line")
    for name, file in FORMATS.items():
        sample = (DATA / file).read_text().splitlines(keepends=True)
        lines = sample * (TARGET_LINES // len(sample) + 1)
        full = rate(lines, _parse, budget)
        frame = rate(lines, _frame, budget)
        print(f"{name:24} {full:14,.0f} {frame:14,.0f}  {1e6 / full:6.2f}")


if __name__ == "__main__":
    main()
