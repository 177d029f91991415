"""Recording costs (prints figures): CPU on the bench_ui burst, file size, replay open + seek.

Run: `python tests/bench/bench_recording.py [LINES]` (default 200000).

* overhead: bench_ui's real keepalived lines, spread over 20 nodes, folded by the monitor with
  and without a recorder (process CPU time); the goal is < 5 % more. The UI's own rendering
  (bench_ui) only adds to the base, so this is the upper bound of the relative overhead.
* size: an hour of a steady two-node cluster (each node captures the MASTER's advert every
  second and is polled every 2 s: reachability, two services, addresses, dump), recorded with a
  simulated clock; the goal is < 10 MB per node-hour.
* replay: that one-hour file opened and sought to its middle (goal < 1 s).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

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


def main(lines: int) -> None:
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
        start = time.perf_counter()
        player = Player(str(path))
        opened = time.perf_counter() - start
        player.seek(player.start + 1800)
        sought = time.perf_counter() - start
        print(f"replay: {len(player.records):,} records opened in {opened:.3f} s, sought to "
              f"+30 min in {sought:.3f} s total (goal < 1 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
