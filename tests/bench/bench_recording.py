"""Recording costs (prints figures): CPU on the bench_ui burst, file size, replay open + seek.

Run: `python tests/bench/bench_recording.py [LINES] [UI_SECONDS] [UI_RATE]` (defaults 200000,
5 and 20000; 0 seconds leaves the console runs out).

* overhead: bench_ui's real keepalived lines, spread over 20 nodes, folded by the monitor with
  and without a recorder (process CPU time). The UI's own rendering only adds to the base, so
  this is the upper bound of the relative overhead.
* the goal's own measure (< 5 % more CPU on the 20-node load of the UI benchmark): bench_ui's
  console (20 nodes, rendering headless) with and without recording, as process CPU per line
  fed, the best of three runs each, alternated; and the recorder's cost a line (above) over the
  console's. Pick a rate the machine sustains (the fed rate is printed): a saturated console
  feeds fewer lines a frame, and its CPU a line then measures the load, not the recorder.
* size: an hour of a steady two-node cluster (each node captures the MASTER's advert every
  second and is polled every 2 s: reachability, two services, addresses, dump), recorded with a
  simulated clock; the goal is < 10 MB per node-hour.
* replay: that one-hour file opened and sought to its middle (goal < 1 s), wall clock and CPU
  (on a shared machine the CPU time is what the replay itself needs).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

import bench_ui
from bench_ui import cluster, samples

from kaconsole.core.events import Advert, VrrpState
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    DumpInstance,
    DumpObserved,
    Fact,
    LogSeen,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.recording import Recorder
from kaconsole.engine.replay import Player


class Idle:
    runner = None

    def __init__(self, *args: object) -> None:
        pass

    async def run(self) -> None:
        return None

    def refresh(self) -> None:
        return None


def fold(facts: list[Fact], directory: Path | None) -> float:
    c = cluster(20)
    monitor = ClusterMonitor(c, Idle)
    if directory is not None:
        monitor.recorder = Recorder(c, "bench", directory)
    start = time.process_time()
    for fact in facts:
        monitor.feed(fact)
    if monitor.recorder is not None:
        monitor.recorder.close()
    return time.process_time() - start


def steady_hour(directory: Path) -> Path:
    c = cluster(2)
    now = [1_700_000_000.0]
    recorder = Recorder(c, "bench", directory, clock=lambda: now[0])
    names = [n.name for n in c.nodes]
    for second in range(3600):
        at = now[0] = 1_700_000_000.0 + second
        advert = Advert(at, "198.51.100.1", "224.0.0.18", 2, 51, 150, 1.0, "simple",
                        ("198.51.100.100",), 255, auth_fingerprint="0123456789abcdef")
        for name in names:
            recorder.fact(AdvertSeen(name, advert))
            if second % 2 == 0:
                recorder.fact(Reachability(name, True, at))
                for service in ("keepalived", "nginx"):
                    recorder.fact(ServiceObserved(name, service, ServiceState.RUNNING, at))
                recorder.fact(AddressesObserved(name, frozenset({"198.51.100.1"}), at))
                recorder.fact(DumpObserved(name, (DumpInstance("VI_1", VrrpState.MASTER, 51,
                                                               150, 150),), at))
    recorder.close()
    return recorder.path


def ui_load(seconds: float, rate: int, directory: Path | None) -> tuple[float, float]:
    """bench_ui's console for `seconds`: process CPU microseconds a line fed, lines a second."""
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        fed, cpu = asyncio.run(bench_ui.main(seconds, rate, 20, recordings=directory))
    return cpu / fed * 1e6, fed / (time.perf_counter() - start)


def main(lines: int, ui_seconds: float, ui_rate: int) -> None:
    events = samples()
    names = [n.name for n in cluster(20).nodes]
    facts: list[Fact] = [LogSeen(names[i % 20], events[i % len(events)]) for i in range(lines)]
    with tempfile.TemporaryDirectory() as tmp:
        base = min(fold(facts, None) for _ in range(3))
        recorded = min(fold(facts, Path(tmp) / f"r{i}") for i in range(3))
        size = sum(p.stat().st_size for p in Path(tmp).glob("r0/*.karec"))
        print(f"burst: {lines:,} log lines over 20 nodes")
        print(f"  monitor alone      {base:.3f} s CPU ({lines / base:,.0f} lines/s)")
        print(f"  monitor + recorder {recorded:.3f} s CPU "
              f"(+{(recorded - base) / base * 100:.1f} % CPU, "
              f"{(recorded - base) / lines * 1e6:.2f} us a line); file {size / 1e6:.1f} MB")
        path = steady_hour(Path(tmp) / "steady")
        mb = path.stat().st_size / 1e6
        print(f"steady hour, 2 nodes: {mb:.2f} MB = {mb / 2:.2f} MB per node-hour (goal < 10)")
        start, cpu = time.perf_counter(), time.process_time()
        player = Player(str(path))
        opened = time.perf_counter() - start
        player.seek(player.start + 1800)
        sought, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"replay: {len(player.records):,} records opened in {opened:.3f} s, sought to "
              f"+30 min in {sought:.3f} s total, {cpu:.3f} s CPU (goal < 1 s)")
        if ui_seconds > 0:
            runs = [(ui_load(ui_seconds, ui_rate, None),
                     ui_load(ui_seconds, ui_rate, Path(tmp) / f"ui{i}")) for i in range(3)]
            alone, recording = min(r[0] for r in runs), min(r[1] for r in runs)
            fed = min(r[0][1] for r in runs)
            cost = (recorded - base) / lines * 1e6
            print(f"console, 20 nodes, {ui_rate:,} lines/s asked, {fed:,.0f} fed at least: "
                  f"{alone[0]:.2f} us CPU a line, {recording[0]:.2f} recording "
                  f"({(recording[0] - alone[0]) / alone[0] * 100:+.1f} % CPU); the recorder's "
                  f"{cost:.2f} us a line is {cost / alone[0] * 100:.1f} % of it (goal < 5 %)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000,
         float(sys.argv[2]) if len(sys.argv) > 2 else 5.0,
         int(sys.argv[3]) if len(sys.argv) > 3 else 20_000)
