"""The console's configuration pane and badge on the lab over real SSH: each node's
keepalived.conf as read, its password never shown, the same findings as `kaconsole check`, and
the badge following a configuration changed on a node (restored afterwards)."""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest

from kaconsole.core.inventory.load import load_cluster
from kaconsole.engine.monitor import ClusterMonitor, ssh_sessions
from kaconsole.lab.configs import KEEPALIVED_CONF
from kaconsole.ui.present.config import config_badge, config_lines
from tests.kits.lab import Lab, eventually, node_conf

pytestmark = pytest.mark.lab

PASS_LINE = re.compile(r"auth_pass (\S+)")


async def test_the_pane_shows_each_nodes_conf_and_follows_a_change(lab: Lab) -> None:
    secrets = set()
    for node in ("node1", "node2"):
        _, text = await lab.sh(node, f"cat {KEEPALIVED_CONF}")
        secrets.update(PASS_LINE.findall(text))
    assert secrets
    monitor = ClusterMonitor(load_cluster(lab.dir / "cluster.yaml"), ssh_sessions())
    task = asyncio.create_task(monitor.run())

    def pane() -> str:
        lines = config_lines(monitor.state, monitor.findings())
        return "\n".join("".join(t for t, _ in line) for line in lines)

    async def badge(text: str) -> bool:
        return config_badge(monitor.findings())[0] == text

    try:
        read = await monitor.wait_for(lambda s: all(n.config for n in s.nodes), timeout=60)
        assert read is not None, "both configurations read"
        assert config_badge(monitor.findings()) == ("config: 1 warning", "log-change")
        shown = pane()
        assert f"node1  {KEEPALIVED_CONF}" in shown
        assert "▲ warning weight_tie: monitor_nginx failing on node1 lowers 120 by 20" in shown
        assert "auth_pass ***" in shown
        assert not [s for s in secrets if s in shown]
        async with node_conf(lab, "node2", lambda t: t.replace("advert_int 1", "advert_int 2")):
            monitor.refresh("node2")  # the next read, now rather than at the next poll
            await eventually("the badge counts the mismatch", lambda: badge(
                "config: 1 error 1 warning"), 60)
            assert "VI_CLUSTER advert_int: 1 on node1; 2 on node2" in pane()
        monitor.refresh("node2")
        await eventually("the badge back as it was", lambda: badge("config: 1 warning"), 60)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
