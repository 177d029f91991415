"""Time to the first full status of a lab cluster (Linux, root).

Run: `python tests/bench/bench_status.py [--runs N]`.

Brings a two-node lab up, then, per run, starts a fresh ClusterMonitor and measures the time until
every node is connected and polled (services, addresses, configuration): the moment the console
can show a complete picture. Also times `kaconsole status` end to end, which then listens for
one master-down interval on purpose. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.status import all_ready
from kaconsole.lab import control
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.registry import exclusive


async def first_full_status(cluster: Cluster) -> float:
    monitor = ClusterMonitor(cluster)
    started = time.monotonic()
    task = asyncio.create_task(monitor.run())
    try:
        state = await monitor.wait_for(lambda s: all_ready(s, cluster), 30)
        if state is None:
            raise SystemExit("no full status within 30 s")
        return time.monotonic() - started
    finally:
        task.cancel()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    control.preflight()
    base = Path("/var/lib/kaconsole")
    base.mkdir(parents=True, exist_ok=True)
    with exclusive(), tempfile.TemporaryDirectory(prefix="bench-status-", dir=base) as tmp:
        lab_dir = Path(tmp) / "lab"
        control.up(lab_dir, LabSpec())
        try:
            cluster = load_cluster(lab_dir / "cluster.yaml")
            firsts = [asyncio.run(first_full_status(cluster)) for _ in range(args.runs)]
            totals = []
            for _ in range(max(1, args.runs // 2)):
                started = time.monotonic()
                subprocess.run(
                    [sys.executable, "-m", "kaconsole", "status", str(lab_dir / "cluster.yaml")],
                    check=False,
                    capture_output=True,
                )
                totals.append(time.monotonic() - started)
        finally:
            control.down(lab_dir)
    print(f"first full status, 2 nodes: {' '.join(f'{t:.3f}' for t in firsts)} s")
    print(
        f"  min {min(firsts):.3f} s  median {statistics.median(firsts):.3f} s  "
        f"max {max(firsts):.3f} s  (target: under 2 s)"
    )
    print(
        f"kaconsole status end to end (listens one master-down interval): "
        f"median {statistics.median(totals):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
