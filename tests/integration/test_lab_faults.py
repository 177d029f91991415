"""Each lab fault, seen from outside over real SSH, and its heal."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncssh
import pytest

from kaconsole.lab import faults
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab


def lab_cli(lab: Lab, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaconsole", "lab", *args, "--dir", str(lab.dir)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


@asynccontextmanager
async def fault(lab: Lab, node: str, kind: str) -> AsyncIterator[None]:
    """Apply a fault; heal it whatever happens, then wait for the lab's normal state."""
    faults.apply(lab.dir, node, kind)
    try:
        yield
    finally:
        assert faults.heal(lab.dir, node) == [kind]
    await eventually("VIP on node1 only after heal", lambda: lab.holders_are(["node1"]))


async def test_vrrp_block_on_the_master_makes_a_split_brain(lab: Lab) -> None:
    async with fault(lab, "node1", "vrrp-block"):
        await eventually("VIP on both nodes", lambda: lab.holders_are(["node1", "node2"]))


async def test_vrrp_deaf_backup_sends_adverts_beside_the_master(lab: Lab) -> None:
    async with fault(lab, "node2", "vrrp-deaf"):
        await eventually("VIP on both nodes", lambda: lab.holders_are(["node1", "node2"]))
        capture = "timeout 5 tcpdump -l -n -c 6 -i eth1 ip proto 112 2>/dev/null"
        _, out = await lab.sh("node1", capture)
        sources = set(re.findall(r" IP (\S+) > 224\.0\.0\.18: VRRP", out))
        assert sources == {"198.18.2.11", "198.18.2.12"}, out


async def test_mgmt_down_makes_the_node_unreachable(lab: Lab) -> None:
    async with fault(lab, "node2", "mgmt-down"):
        with pytest.raises((OSError, asyncssh.Error, asyncio.TimeoutError)):
            async with await lab.connect("node2", timeout=2):
                pass
        assert (await lab.sh("node1", "true"))[0] == 0
    assert (await lab.sh("node2", "true"))[0] == 0


async def test_stop_sshd_refuses_connections_and_heal_restarts_it(lab: Lab) -> None:
    result = lab_cli(lab, "fault", "node2", "stop-sshd")
    assert result.returncode == 0, result.stderr
    try:
        with pytest.raises(ConnectionRefusedError):
            async with await lab.connect("node2", timeout=2):
                pass
    finally:
        result = lab_cli(lab, "heal", "node2", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"node": "node2", "healed": ["stop-sshd"]}
    assert (await lab.sh("node2", "hostname"))[1] == "node2\n"


async def test_kill_keepalived_leaves_the_vip_behind_until_healed(lab: Lab) -> None:
    # the MASTER is the node killed: wait until node1 holds the VIP again (a test before may
    # have left node2 MASTER, and node1 preempts one master-down interval after its restart)
    await eventually("VIP on node1 alone", lambda: lab.holders_are(["node1"]), 30)
    async with fault(lab, "node1", "kill-keepalived"):
        status, _ = await lab.sh("node1", "pgrep -x keepalived")
        assert status == 1
        # no priority 0 advert: node2 waits the full master-down interval, and the dead
        # keepalived never removed its VIP
        await eventually("VIP on both nodes", lambda: lab.holders_are(["node1", "node2"]))
        _, log = await lab.sh("node2", "tail -n 20 /var/log/keepalived.log")
        assert "Receive advertisement timeout" in log


async def test_log_flood_grows_the_log_until_healed(lab: Lab) -> None:
    count = f"grep -c {faults.FLOOD_LINE!r} /var/log/keepalived.log || true"

    async def lines() -> int:
        return int((await lab.sh("node2", count))[1].strip() or 0)

    before = await lines()
    async with fault(lab, "node2", "log-flood"):

        async def flooding() -> bool:
            return await lines() > before + 2000

        await eventually("the flood in node2's log", flooding, timeout=30)
        status = json.loads(lab_cli(lab, "status", "--json").stdout)
        assert [n["faults"] for n in status["nodes"]] == [[], ["log-flood"]]
    after_heal = await lines()
    await asyncio.sleep(0.5)
    assert await lines() == after_heal
