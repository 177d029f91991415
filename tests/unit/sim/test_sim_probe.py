"""The demo's VIP probe is answered by the simulated world, never the network."""

from __future__ import annotations

from pathlib import Path

from kaconsole.core.inventory.load import load_cluster
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.sim.cluster import demo_sessions

DEMO = Path(__file__).resolve().parents[3] / "clusters" / "demo.yaml"


async def test_a_demo_monitor_probes_the_simulated_vip() -> None:
    cluster = load_cluster(DEMO)
    demo = demo_sessions(cluster, speed=50)
    monitor = ClusterMonitor(cluster, demo)
    assert monitor.probe == demo.probe
    assert cluster.vip_probe is not None
    result = await monitor.probe(cluster.vip_probe)
    assert result.url == cluster.vip_probe.url
    assert result.error == "no route to host"  # nothing booted yet: no node holds the VIP
