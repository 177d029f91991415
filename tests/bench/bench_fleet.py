"""The fleet console at 10 to 50 simulated clusters: CPU, memory and latencies (prints figures).

Run: `python tests/bench/bench_fleet.py [SECONDS] [COUNTS...]` (defaults 10 s; 10 25 50).
Each count runs `kaconsole demo --fleet N` headless (Textual renders every frame, the driver
discards the bytes): N demo clusters of two simulated nodes each, at the demo's own log and
advert load (keepalived run with -D, an advert a second per cluster, polls, one split brain),
all on one event loop as in the real console. After a 3 s warm-up:

* steady-state CPU (% of one core, user + system of this process) and resident memory;
* fleet view key to screen: `j`/`k` every 250 ms, the time until the table's cursor has moved
  (the frame that draws it follows within one refresh, 1/60 s);
* state change anywhere to the fleet view: every 500 ms a random cluster's node is reported
  unreachable (then reachable again), the time until the fleet table's row for it says so.
"""

from __future__ import annotations

import asyncio
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

from textual import events
from textual.widgets import DataTable

from kaconsole.core.facts import Reachability
from kaconsole.engine.audit import AuditLog
from kaconsole.sim.fleet import demo_fleet, fleet_sessions
from kaconsole.ui.fleet_app import FleetApp, make_fleet_app

WARMUP = 3.0


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


async def _until(done: Callable[[], bool], limit: float = 5.0) -> bool:
    """Poll `done` every millisecond (the UI runs on this loop meanwhile); False at `limit`."""
    end = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > end:
            return False
        await asyncio.sleep(0.001)
    return True


def _moved(table: DataTable[object], before: int) -> bool:
    return table.cursor_row != before


def _row_says(app: FleetApp, cluster: str, word: str) -> bool:
    table = app.fleet_screen.query_one("#fleet", DataTable)
    for i, name in enumerate(app.fleet_screen.shown):
        if name == cluster and word in str(table.get_row_at(i)[5]):
            return True
    return False


async def _one(count: int, seconds: float) -> dict[str, float]:
    with TemporaryDirectory() as tmp:
        app = make_fleet_app(demo_fleet(count), sessions=fleet_sessions(),
                             audit=AuditLog(Path(tmp) / "audit.jsonl"), save_dir=Path(tmp))
        keys: list[float] = []
        changes: list[float] = []
        async with app.run_test(size=(160, 60)):
            await asyncio.sleep(WARMUP)
            cpu0, wall0 = _cpu(), time.monotonic()
            rng = random.Random(count)
            next_change = wall0
            direction = "j"
            while time.monotonic() - wall0 < seconds:
                table = app.fleet_screen.query_one("#fleet", DataTable)
                before = table.cursor_row
                start = time.perf_counter()
                app.post_message(events.Key(direction, None))
                if await _until(partial(_moved, table, before)):
                    keys.append(time.perf_counter() - start)
                direction = "k" if direction == "j" else "j"
                if time.monotonic() >= next_change:
                    name = rng.choice(list(app.fleet.monitors))
                    monitor = app.fleet.monitors[name]
                    node = monitor.cluster.nodes[0].name
                    start = time.perf_counter()
                    monitor.feed(Reachability(node, False, time.time(), "bench"))
                    if await _until(partial(_row_says, app, name, "unreachable")):
                        changes.append(time.perf_counter() - start)
                    monitor.feed(Reachability(node, True, time.time()))
                    next_change = time.monotonic() + 0.5
                await asyncio.sleep(0.25)
            wall = time.monotonic() - wall0
            cpu = (_cpu() - cpu0) / wall * 100
            rss = _rss_mb()
        return {"clusters": count, "nodes": 2 * count, "cpu_pct": cpu, "rss_mb": rss,
                "key_p95_ms": _p95(keys) * 1000, "key_max_ms": max(keys, default=0) * 1000,
                "change_p95_ms": _p95(changes) * 1000,
                "change_max_ms": max(changes, default=0) * 1000,
                "samples": len(keys), "changes": len(changes)}


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    counts = [int(a) for a in sys.argv[2:]] or [10, 25, 50]
    print(f"fleet console, {seconds:g} s steady state after {WARMUP:g} s warm-up, demo load")
    print(f"{'clusters':>8} {'nodes':>5} {'CPU %':>6} {'RSS MB':>7} {'key p95':>8} "
          f"{'key max':>8} {'chg p95':>8} {'chg max':>8}")
    results = []
    for count in counts:
        r = asyncio.run(_one(count, seconds))
        results.append(r)
        print(f"{r['clusters']:>8.0f} {r['nodes']:>5.0f} {r['cpu_pct']:>6.1f} "
              f"{r['rss_mb']:>7.1f} {r['key_p95_ms']:>6.1f}ms {r['key_max_ms']:>6.1f}ms "
              f"{r['change_p95_ms']:>6.1f}ms {r['change_max_ms']:>6.1f}ms", flush=True)
    if len(results) > 1:
        a, b = results[0], results[-1]
        grow = b["clusters"] / a["clusters"]
        print(f"growth {a['clusters']:.0f} -> {b['clusters']:.0f} clusters (x{grow:.1f}): "
              + ", ".join(f"{k} x{b[k] / a[k]:.2f}" for k in
                          ("cpu_pct", "rss_mb", "key_p95_ms", "change_p95_ms") if a[k]))
        print("(RSS is the process's, cumulative across runs in this process)")


if __name__ == "__main__":
    main()
