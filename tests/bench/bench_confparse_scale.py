"""Prints time and peak memory of `kaconsole conf parse --json` as the input grows from 1 KB to
50 MB (figures only, no assertions): both should grow linearly, and a hostile input (one huge
line, a brace bomb) should cost no more than an ordinary one of its size.

Run: python tests/bench/bench_confparse_scale.py [MAX_MB]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_confparse import big_config

# Runs the command in a fresh interpreter and reports that process's own peak RSS (VmHWM, in
# KB: ru_maxrss would carry the parent's peak across exec).
_CHILD = (
    "import re, sys\n"
    "from kaconsole.cli import main\n"
    "status = main(['conf', 'parse', sys.argv[1], '--json'])\n"
    "status_text = open('/proc/self/status').read()\n"
    "print(re.search(r'VmHWM:\\s+(\\d+)', status_text).group(1), file=sys.stderr)\n"
)


def ordinary(size: int) -> str:
    unit = big_config(20, 2, 3)
    return (unit * (size // len(unit) + 1))[:size]


def one_line(size: int) -> str:
    return "x" * size + "\n"


def braces(size: int) -> str:
    return ("include /nonexistent/" + "{a,b}" * 16 + "\n") * max(1, size // 100)


def measure(text: str) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as handle:
        handle.write(text)
    path = Path(handle.name)
    try:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], text=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        seconds = time.perf_counter() - start
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    finally:
        path.unlink()
    return seconds, peak_mb


def main() -> None:
    top = float(sys.argv[1]) if len(sys.argv) > 1 else 50
    sizes = [s for s in (1e3, 1e4, 1e5, 1e6, 1e7, 5e7) if s <= top * 1e6]
    print(f"{'input':<10} {'size':>10} {'seconds':>9} {'peak MB':>9} {'s/MB':>8}")
    for name, make in (("ordinary", ordinary), ("one line", one_line), ("braces", braces)):
        for size in sizes:
            seconds, peak = measure(make(int(size)))
            print(f"{name:<10} {int(size):>10,} {seconds:>9.2f} {peak:>9.0f} "
                  f"{seconds / (size / 1e6):>8.2f}")


if __name__ == "__main__":
    main()
