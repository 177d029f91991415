"""Lab timings (Linux, root): `python tests/bench/bench_lab.py [--runs N] [--nodes N]`.

Prints, per run and as min/median/max: `lab up` (to every sshd accepting, every nginx answering
its name and the VIP held), `lab down`, and the reference failover (nginx stopped on node1 ->
HTTP through the VIP answered by node2), measured from outside as a client sees it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from kaconsole.lab import configs, control, nodes
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.registry import exclusive


def http(url: str) -> str | None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=0.5) as resp:
            return str(resp.read().decode())
    except OSError:
        return None


def one_run(lab_dir: Path, spec: LabSpec) -> dict[str, float]:
    started = time.monotonic()
    state = control.up(lab_dir, spec)
    up = time.monotonic() - started
    vip_url = f"http://{state.vips[0]}/"
    while http(vip_url) != "node1\n":  # the election may still be settling after `up`
        time.sleep(0.02)
    started = time.monotonic()
    nodes.service(state.node_states[0].init_pid, "nginx", "stop")
    while http(vip_url) != "node2\n":
        if time.monotonic() - started > 15:
            raise SystemExit("no failover within 15 s")
        time.sleep(0.02)
    failover = time.monotonic() - started
    started = time.monotonic()
    control.down(lab_dir)
    return {"up_s": up, "failover_s": failover, "down_s": time.monotonic() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=2)
    args = parser.parse_args()
    control.preflight()
    base = Path("/var/lib/kaconsole")
    base.mkdir(parents=True, exist_ok=True)
    with exclusive(), tempfile.TemporaryDirectory(prefix="bench-lab-", dir=base) as tmp:
        results = []
        for run in range(1, args.runs + 1):
            result = one_run(Path(tmp) / "lab", LabSpec(nodes=args.nodes))
            results.append(result)
            print(f"run {run}: " + "  ".join(f"{k} {v:.2f}" for k, v in result.items()))
    print(f"{args.nodes} nodes, {args.runs} runs, track script interval "
          f"{configs.TRACK_INTERVAL} s, advert_int 1 s:")  # fmt: skip
    for key in results[0]:
        values = [r[key] for r in results]
        print(f"  {key:<11} min {min(values):.2f}  median {statistics.median(values):.2f}  "
              f"max {max(values):.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
