"""The reference failure and recovery (REFERENCE.md), driven over real SSH with the cluster file's
own service commands."""

from __future__ import annotations

import pytest
import yaml

from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab


async def test_reference_failure_then_recovery(lab: Lab) -> None:
    services = yaml.safe_load((lab.dir / "cluster.yaml").read_text())["services"]
    nginx, keepalived = services["nginx"], services["keepalived"]
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]))

    status, _ = await lab.sh("node1", nginx["stop"])
    assert status == 0

    async def keepalived_stopped() -> bool:
        return (await lab.sh("node1", keepalived["status"]))[0] != 0

    # the track script (interval 1) sees nginx gone and stops keepalived on node1
    await eventually("keepalived stopped on node1", keepalived_stopped, timeout=30)
    await eventually("VIP on node2", lambda: lab.holders_are(["node2"]), timeout=30)

    async def served_by_node2() -> bool:
        return lab.http_vip() == "node2\n"

    await eventually("HTTP through the VIP answered by node2", served_by_node2, timeout=30)
    # priority 0 from the stopping master: node2 takes over after its skew, not 3 adverts (the
    # logs say so; a wall-clock bound would measure the machine's load, not keepalived)
    _, log = await lab.sh("node1", "cat /var/log/keepalived.log")
    assert "(VI_CLUSTER) sent 0 priority" in log
    _, log = await lab.sh("node2", "cat /var/log/keepalived.log")
    assert "(VI_CLUSTER) Backup received priority 0 advertisement" in log

    # recovery: nginx alone does not bring keepalived back; start both, node1 preempts
    assert (await lab.sh("node1", nginx["start"]))[0] == 0
    assert (await lab.sh("node1", keepalived["status"]))[0] != 0
    assert (await lab.sh("node1", keepalived["start"]))[0] == 0
    await eventually("VIP back on node1", lambda: lab.holders_are(["node1"]), timeout=30)

    async def served_by_node1() -> bool:
        return lab.http_vip() == "node1\n"

    await eventually("HTTP through the VIP answered by node1", served_by_node1, timeout=30)
