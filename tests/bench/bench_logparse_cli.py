"""End-to-end `kaconsole logs parse --json` against a bare regex + json loop, and growth with size.

Prints figures, asserts nothing. Run: `python tests/bench/bench_logparse_cli.py [LINES]`.

1. Rate: LINES (default 300,000) mixed lines from every sample in tests/data/logs, parsed by the
   real command in a child process (interpreter start-up included), against the floor any
   Python parser pays: one regex match and one json.dumps per line, written to /dev/null.
2. Growth: CPU time and peak memory (VmHWM of the child) for inputs of 1 KB to 50 MB.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_logparse import DATA, FORMATS  # run as a script: this folder is on sys.path

_BARE = re.compile(r"(\S+ +\S+ \S+) (\S+) ([^\s\[:]+)(?:\[([0-9]+)\])?: ?(.*)")


def mixed_lines(count: int) -> list[str]:
    pool = [
        line
        for file in FORMATS.values()
        for line in (DATA / file).read_text().splitlines(keepends=True)
    ]
    return (pool * (count // len(pool) + 1))[:count]


def command(path: Path) -> tuple[float, int]:
    """CPU seconds and peak RSS (KB) of `kaconsole logs parse --json PATH > /dev/null`.

    CPU, not wall time: on a shared machine other processes' load does not count against it.
    """
    code = (
        "import sys; from kaconsole.cli import main; "
        f"status = main(['logs', 'parse', '--json', '--year', '2026', {str(path)!r}]); "
        "sys.stdout.flush(); "
        # VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec
        "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return cpu, int(done.stderr.split()[-1])


def bare_loop(path: Path) -> float:
    """CPU seconds of the floor: read, one regex, one dict, json.dumps, write."""
    start = time.process_time()
    with open(path, "rb") as src, open("/dev/null", "w") as out:
        for raw in src:
            line = raw.decode("utf-8", "replace")
            m = _BARE.match(line)
            if m:
                ts, host, program, pid, message = m.groups()
                obj = {"ts": ts, "host": host, "program": program, "pid": pid, "text": message}
                out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return time.process_time() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    lines = mixed_lines(count)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.log"
        path.write_text("".join(lines))
        cmd, _ = min(command(path) for _ in range(3))
        bare = min(bare_loop(path) for _ in range(3))
        print(f"{count:,} mixed lines ({path.stat().st_size / 2**20:.1f} MB)")
        print(f"  kaconsole logs parse --json: {cmd:6.2f} s CPU {count / cmd:10,.0f} lines/s")
        print(f"  bare regex + json loop:      {bare:6.2f} s CPU {count / bare:10,.0f} lines/s")
        print(f"  ratio: {cmd / bare:.2f}x the bare loop")
        print("\ninput size -> CPU time, peak RSS of the command")
        text = "".join(lines)
        for size in (1 << 10, 1 << 20, 10 << 20, 50 << 20):
            body = (text * (size // len(text) + 1))[:size]
            path.write_text(body[: body.rfind("\n") + 1])
            wall, rss = command(path)
            print(f"  {size / 2**20:8.3f} MB  {wall:6.2f} s  {rss / 1024:6.1f} MB")


if __name__ == "__main__":
    main()
