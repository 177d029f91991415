"""What clients see, on the real lab (issue 18): node1 takes the VIP back while its gratuitous
ARPs are dropped, so the host (a client on the service bridge) keeps node2's MAC; the console
flags `stale_neighbour` naming node1, and the anomaly clears after heal and one GARP.

Every change is undone: the fault healed, the maintenance file back to 0.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.polls.neighbours import parse_neighbour
from kaconsole.engine.status import take_status
from kaconsole.lab import faults
from kaconsole.lab.configs import MAINTENANCE_FILE, SVC_IF
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab


def _host_mac(lab: Lab) -> str | None:
    """The host's cache entry for the VIP: read only, so the test never refreshes it."""
    out = subprocess.run(["ip", "-j", "neigh", "show", "to", lab.vip], capture_output=True,
                         text=True, check=True, timeout=5).stdout
    return parse_neighbour(out, lab.vip).mac


async def _mac(lab: Lab, node: str) -> str:
    """The MAC of the node's service interface."""
    _, out = await lab.sh(node, f"ip -j link show dev {SVC_IF}")
    return str(json.loads(out)[0]["address"])


async def _stale(lab: Lab) -> list[dict[str, object]]:
    state = await take_status(load_cluster(lab.dir / "cluster.yaml"))
    return [a.to_json() for a in find_anomalies(state) if a.kind == "stale_neighbour"]


async def test_dropped_garps_leave_a_stale_neighbour_that_clears_after_a_garp(lab: Lab) -> None:
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]), 15)
    mac1, mac2 = await _mac(lab, "node1"), await _mac(lab, "node2")

    async def host_on(mac: str) -> bool:
        lab.http_vip()  # a client: the host must have an entry for GARPs to update
        return _host_mac(lab) == mac

    await eventually("the host resolves the VIP to node1", lambda: host_on(mac1), 30)
    faults.apply(lab.dir, "node1", "garp-drop")
    try:
        await lab.sh("node1", f"echo 3 > {MAINTENANCE_FILE}")  # node2 takes over, sends GARPs
        await eventually("the host follows node2", lambda: host_on(mac2), 30)
        await lab.sh("node1", f"echo 0 > {MAINTENANCE_FILE}")  # node1 preempts, GARPs dropped
        await eventually("VIP back on node1", lambda: lab.holders_are(["node1"]), 15)
        assert _host_mac(lab) == mac2
        (stale,) = await _stale(lab)
        assert stale["nodes"] == ["node1", "node2"], stale
        assert (stale["observer"], stale["answered_by"]) == ("console", "node2")
        assert stale["likely_cause"] == "garp_not_received", stale
    finally:
        await lab.sh("node1", f"echo 0 > {MAINTENANCE_FILE}")
        faults.heal(lab.dir, "node1")
    await lab.sh("node1", f"arping -U -c1 -I {SVC_IF} -s {lab.vip} {lab.vip}")
    await eventually("the host back on node1", lambda: host_on(mac1), 30)

    async def cleared() -> bool:
        return await _stale(lab) == []

    await eventually("stale_neighbour cleared", cleared, 30)
