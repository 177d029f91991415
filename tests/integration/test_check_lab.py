"""`kaconsole check` on the lab over real SSH: the lab's own config, node2 broken one way at a
time, and the reference config (vrrp_strict) on both nodes, where HTTP through the VIP really
fails and the check says why. Every change is undone, keepalived restarted where it was."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from kaconsole.lab.configs import KEEPALIVED_CONF, SCRIPT_PATH, SVC_IF
from tests.kits.lab import Lab, eventually, node_conf

pytestmark = pytest.mark.lab

DATA = Path(__file__).parents[1] / "data" / "conf"
PASS_LINE = re.compile(r"auth_pass (\S+)")


async def kaconsole_check(lab: Lab, *, stranger: bool = False,
                          ) -> tuple[int | None, dict[str, Any]]:
    """`kaconsole check --json` on the lab; no password of any node may appear."""
    secrets = set()
    for node in ("node1", "node2"):
        _, text = await lab.sh(node, f"cat {KEEPALIVED_CONF}")
        secrets.update(PASS_LINE.findall(text))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kaconsole", "check", str(lab.dir / "cluster.yaml"), "--json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    sender = await _stranger(lab) if stranger else None
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    if sender is not None:
        assert await sender.wait() == 0
    text = out.decode()
    assert err.decode() == ""
    assert not [s for s in secrets if s in text]
    return proc.returncode, json.loads(text)


def codes(report: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for f in report["findings"])


async def test_the_lab_config_has_the_weight_tie(lab: Lab) -> None:
    status, report = await kaconsole_check(lab)
    assert (status, codes(report)) == (1, ["weight_tie"]), report
    assert report["cluster"] == "kaconsole-lab"
    assert report["findings"][0]["message"] == (
        "monitor_nginx failing on node1 lowers 120 by 20 to 100, equal to node2's 100: a BACKUP "
        "does not take over on equal priority, so the VIP stays on node1; use a weight below -20")


BROKEN = [
    ("vrid", lambda t: t.replace("virtual_router_id 51", "virtual_router_id 52"),
     "vrid_mismatch"),
    ("vip", lambda t: t.replace("198.18.2.100/24", "198.18.2.101/24"), "vip_mismatch"),
    ("auth", lambda t: PASS_LINE.sub("auth_pass otherpw1", t), "auth_mismatch"),
    ("advert", lambda t: t.replace("advert_int 1", "advert_int 2"), "advert_int_mismatch"),
    ("script", lambda t: t.replace(SCRIPT_PATH, "/etc/keepalived/no_such_check.sh"),
     "script_missing"),
    ("strict", lambda t: t.replace("global_defs {", "global_defs {\n   vrrp_strict"),
     "strict_no_accept"),
]


@pytest.mark.parametrize(("edit", "expected"), [(e, c) for _, e, c in BROKEN],
                         ids=[name for name, _, _ in BROKEN])
async def test_a_broken_node_is_found(lab: Lab, edit: Any, expected: str) -> None:
    async with node_conf(lab, "node2", edit):
        status, report = await kaconsole_check(lab)
    assert status == 1
    found = [f for f in report["findings"] if f["code"] == expected]
    assert len(found) == 1, report
    assert "node2" in found[0]["nodes"]
    if expected == "strict_no_accept":  # and the password is no longer used on node2
        assert {"strict_ignores_auth", "auth_mismatch"} <= set(codes(report))
    _, after = await kaconsole_check(lab)
    assert codes(after) == ["weight_tie"]


#: Adverts for the lab's VRID 51 from an address no node has (priority 1 and no authentication:
#: keepalived drops them, the lab's election is undisturbed), sent from node2's namespace.
STRANGER = """
import time
from scapy.all import Ether, IP, sendp
from scapy.layers.vrrp import VRRP
advert = (Ether(dst="01:00:5e:00:00:12") / IP(src="198.18.2.250", dst="224.0.0.18", ttl=255)
          / VRRP(vrid=51, priority=1, authtype=0, addrlist=["198.18.2.250"]))
for _ in range(12):
    sendp(advert, iface="eth1", verbose=False)
    time.sleep(0.5)
"""


async def _stranger(lab: Lab) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        "ip", "netns", "exec", lab.state.node("node2").netns, sys.executable, "-c", STRANGER)


async def test_another_router_with_our_vrid_is_heard(lab: Lab) -> None:
    status, report = await kaconsole_check(lab, stranger=True)
    assert status == 1
    collisions = [f for f in report["findings"] if f["code"] == "vrid_collision"]
    assert len(collisions) == 1, report
    assert "node1" in collisions[0]["nodes"]
    assert collisions[0]["message"].startswith(
        "another router, 198.18.2.250, advertises VRID 51 (priority 1, addresses "
        "198.18.2.250) where")
    assert await lab.holders_are(["node1"])


def reference(text: str, lab: Lab) -> str:
    """The reference deployment's config for this lab: its interface, VIP and script path."""
    return (text.replace("ens33", SVC_IF).replace("192.168.10.100", lab.vip)
            .replace("/healthcheck/check_nginx.sh", SCRIPT_PATH))


async def test_reference_config_with_vrrp_strict_blocks_http_and_check_says_why(
        lab: Lab) -> None:
    assert lab.http_vip() == "node1\n"
    master = reference((DATA / "master.conf").read_text(), lab)
    backup = reference((DATA / "backup.conf").read_text(), lab)
    async with node_conf(lab, "node2", lambda _: backup, restart=True), \
            node_conf(lab, "node1", lambda _: master, restart=True):
        await eventually("VIP on node1", lambda: lab.holders_are(["node1"]), timeout=20)
        await asyncio.sleep(1)
        assert lab.http_vip() is None  # keepalived's nftables table drops it
        _, rules = await lab.sh("node1", "nft list ruleset")
        assert "keepalived" in rules
        status, report = await kaconsole_check(lab)
    await eventually("VIP back on node1", lambda: lab.holders_are(["node1"]), timeout=20)
    await eventually("HTTP through the VIP again", _http_ok(lab), timeout=20)
    assert status == 1
    assert codes(report) == sorted([
        "strict_no_accept", "strict_ignores_auth", "auth_pass_truncated", "weight_tie",
        "script_security", "keepalived_rejects", "keepalived_rejects"])
    no_accept = next(f for f in report["findings"] if f["code"] == "strict_no_accept")
    assert no_accept["severity"] == "error"
    assert no_accept["nodes"] == ["node1", "node2"]
    assert f"drops every packet addressed to {lab.vip}" in no_accept["message"]
    rejects = next(f for f in report["findings"] if f["code"] == "keepalived_rejects")
    assert "exits 6: scripts are configured without script security" in rejects["message"]
    assert any("vrrp_garp_interval '0' is invalid" in line for line in rejects["details"])
    assert "cluster_pass" not in json.dumps(report)


def _http_ok(lab: Lab) -> Any:
    async def ok() -> bool:
        return await asyncio.to_thread(lab.http_vip) == "node1\n"
    return ok
