"""The console under a log burst: key-press latency, state-change latency, memory (prints figures).

Run: `python tests/bench/bench_ui.py [SECONDS] [LINES_PER_SECOND] [NODES]` (defaults 10, 50000, 20).
The console runs headless (Textual renders every frame, the driver discards the bytes) on a
20-node cluster. A feeder pushes real keepalived 2.2.7 log lines from the lab samples through the
monitor at the given total rate, in 10 ms slices, on the same event loop as the UI (as SSH
sessions do). Meanwhile:

* every 250 ms a `j`/`k` key is posted; the latency is the time until the node list draws
  the new selection (its render() runs in the frame that reaches the screen);
* every 500 ms one node's keepalived logs `Entering FAULT STATE` / `Entering BACKUP STATE`; the
  latency is the time until the node list draws that state on the node's row;
* resident memory is sampled each second, and the panes' line counts against their capacity.
"""

from __future__ import annotations

import asyncio
import itertools
import resource
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from textual import events

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.facts import ConfigObserved, Fact, LogSeen, Reachability
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Cluster, Node
from kaconsole.core.logs.parse import parse_line
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor, Sink
from kaconsole.engine.recording import Recorder
from kaconsole.ui.app import make_app
from kaconsole.ui.widgets.node_table import NodeList
from kaconsole.ui.widgets.ring_pane import RingPane

LAB = Path(__file__).resolve().parents[1] / "data" / "lab"
PANE_LINES = 5_000


class Idle:
    runner = None

    def __init__(self, node: Node, sink: Sink) -> None:
        pass

    async def run(self) -> None:
        await asyncio.Event().wait()

    def refresh(self) -> None:
        pass


def cluster(nodes: int) -> Cluster:
    rows = "\n".join(f"  - name: n{i:02d}\n    host: 198.51.100.{i + 1}" for i in range(nodes))
    return parse_cluster(f"name: bench\nnodes:\n{rows}\n", "bench.yaml")


def samples() -> list[LogEvent]:
    events_ = []
    for name in ("node1-keepalived.log", "node2-keepalived.log"):
        for line in (LAB / name).read_text().splitlines():
            event = parse_line(line)
            # the burst itself changes no state: the measured changes are the only ones
            if event is not None and event.kind not in (LogKind.STATE, LogKind.DAEMON):
                events_.append(event)
    return events_


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def main(seconds: float, rate: int, nodes: int,
               recordings: Path | None = None) -> tuple[int, float]:
    """Prints the figures; returns the lines fed and the process CPU seconds meanwhile.
    With `recordings`, the console records there (bench_recording compares)."""
    c = cluster(nodes)
    monitor = ClusterMonitor(c, Idle)
    if recordings is not None:
        monitor.recorder = Recorder(c, "bench", recordings)
    config = parse_config((LAB / "node1-keepalived.conf").read_text())
    names = [n.name for n in c.nodes]
    for name in names:
        monitor.feed(ConfigObserved.of(name, config, 1.0))
        monitor.feed(Reachability(name, True, 1.0))
    app = make_app(c, monitor=monitor, audit=AuditLog(Path("/dev/null")), pane_lines=PANE_LINES)

    drawn: dict[str, float] = {}  # what the node list drew last, and when
    original = NodeList.render

    def render(self: NodeList) -> object:
        out = original(self)
        now = time.perf_counter()
        drawn[f"sel{self.selected}"] = now
        for row in self.rows:
            drawn[f"{row.name}:{row.cells[4][0].split()[1]}"] = now
        return out

    NodeList.render = render  # type: ignore[method-assign]

    lines = [LogSeen(n, e) for n, e in zip(itertools.cycle(names), samples() * 20, strict=False)]
    fed = 0
    key_lat: list[float] = []
    state_lat: list[float] = []
    memory: list[float] = []

    async def feeder() -> None:
        nonlocal fed
        slice_s = 0.01
        per_slice = max(1, int(rate * slice_s))
        source = itertools.cycle(lines)
        started = time.perf_counter()
        while True:
            for fact in itertools.islice(source, per_slice):
                monitor.feed(fact)
            fed += per_slice
            due = started + fed / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))

    async def wait_drawn(key: str, since: float, out: list[float], limit: float = 2.0) -> None:
        while drawn.get(key, 0.0) < since:
            if time.perf_counter() - since > limit:
                out.append(limit)
                return
            await asyncio.sleep(0.001)
        out.append(drawn[key] - since)

    async with app.run_test(size=(160, 60), headless=True) as pilot:
        await pilot.pause(0.5)
        task = asyncio.create_task(feeder())
        t0, cpu0 = time.perf_counter(), time.process_time()
        tick = 0
        word = "FAULT"
        while time.perf_counter() - t0 < seconds:
            await asyncio.sleep(0.25)
            tick += 1
            key = "j" if tick % 2 else "k"
            target = app.main.selected + (1 if key == "j" else -1)
            sent = time.perf_counter()
            app.post_message(events.Key(key, None))
            await wait_drawn(f"sel{target}", sent, key_lat)
            if tick % 2 == 0:
                node = names[(tick // 2) % len(names)]
                text = f"(VI_CLUSTER) Entering {word} STATE"
                event = LogEvent(
                    LogKind.STATE,
                    text,
                    datetime.now(),
                    None,
                    None,
                    "VI_CLUSTER",
                    None,
                    {"state": word},
                )
                sent = time.perf_counter()
                fact: Fact = LogSeen(node, event)
                monitor.feed(fact)
                await wait_drawn(f"{node}:{word}", sent, state_lat)
                word = "BACKUP" if word == "FAULT" else "FAULT"
            if tick % 4 == 0:
                memory.append(rss_mb())
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        task.cancel()
        logs = app.main.query_one("#logs", RingPane)
        kept = logs.lines
    print(f"console bench: {nodes} nodes, {seconds:g} s, target {rate:,} log lines/s")
    print(f"  fed through the monitor: {fed:,} lines = {fed / elapsed:,.0f} lines/s")
    print(f"  log pane kept {kept:,} lines (capacity {PANE_LINES:,}); received {logs.received:,}")
    print(
        f"  key press -> node list drawn: median {statistics.median(key_lat) * 1e3:.1f} ms, "
        f"p95 {pct(key_lat, 0.95) * 1e3:.1f} ms, max {max(key_lat) * 1e3:.1f} ms "
        f"({len(key_lat)} presses; target < 100 ms)"
    )
    print(
        f"  state change logged -> node list drawn: median "
        f"{statistics.median(state_lat) * 1e3:.1f} ms, p95 {pct(state_lat, 0.95) * 1e3:.1f} ms, "
        f"max {max(state_lat) * 1e3:.1f} ms ({len(state_lat)} changes; target < 250 ms)"
    )
    print(f"  resident memory each second: {', '.join(f'{m:.0f}' for m in memory)} MB")
    return fed, cpu


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        main(
            float(args[0]) if args else 10.0,
            int(args[1]) if len(args) > 1 else 50_000,
            int(args[2]) if len(args) > 2 else 20,
        )
    )
