"""The lab's election over real SSH: node1 MASTER, the VIP on node1, adverts from node1 only."""

from __future__ import annotations

import re

import pytest
import yaml

from kaconsole.lab.configs import SERVICES
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab


def test_lab_up_is_fast_and_writes_a_contract_cluster_file(lab: Lab) -> None:
    assert lab.up_seconds < 10, f"lab up took {lab.up_seconds:.1f} s"
    doc = yaml.safe_load((lab.dir / "cluster.yaml").read_text())
    assert doc["ssh"] == {
        "user": "root", "port": 22, "identity_file": str(lab.dir / "id_ed25519"),
        "known_hosts": str(lab.dir / "known_hosts"), "host_key_policy": "strict",
        "connect_timeout": 5,
    }  # fmt: skip
    assert doc["logs"] == {"source": "file", "path": "/var/log/keepalived.log"}
    assert doc["capture"] == {"interface": "eth1"}
    assert doc["vip_probe"] == {"url": "http://198.18.2.100/"}
    assert [n["name"] for n in doc["nodes"]] == ["node1", "node2"]
    assert doc["services"]["keepalived"]["stop"] == "kill $(cat /run/keepalived.pid)"
    known = (lab.dir / "known_hosts").read_text().splitlines()
    assert [line.split()[0] for line in known] == ["198.18.1.11", "198.18.1.12"]


async def test_each_node_is_its_own_host(lab: Lab) -> None:
    for name in ("node1", "node2"):
        status, out = await lab.sh(name, "hostname; tr '\\0' ' ' </proc/1/cmdline; echo")
        assert status == 0
        hostname, init = out.splitlines()
        assert hostname == name
        assert "kaconsole.lab.nodeinit" in init  # own pid namespace, our init is pid 1
        _, pids = await lab.sh(name, SERVICES["nginx"]["status"])
        assert len(pids.split()) == 2, f"{name} sees other nodes' nginx: {pids!r}"
        _, conf = await lab.sh(name, "cat /etc/nginx/nginx.conf")
        assert f'"{name}\\n"' in conf  # own /etc/nginx


async def test_node1_is_master_per_its_log_and_holds_the_vip(lab: Lab) -> None:
    await eventually("VIP on node1 only", lambda: lab.holders_are(["node1"]))
    for name, state in (("node1", "MASTER"), ("node2", "BACKUP")):
        _, log = await lab.sh(name, "cat /var/log/keepalived.log")
        entered = re.findall(r"\(VI_CLUSTER\) Entering (\w+) STATE", log)
        assert entered, f"{name}: no state in its log"
        assert entered[-1] == state, f"{name}: {entered}"
    assert lab.http_vip() == "node1\n"


async def test_adverts_come_from_node1_only(lab: Lab) -> None:
    capture = "timeout 5 tcpdump -l -n -c 3 -i eth1 ip proto 112 2>/dev/null"
    status, out = await lab.sh("node2", capture)
    assert status == 0, "no VRRP adverts within 5 s"
    sources = {m.group(1) for m in re.finditer(r" IP (\S+) > 224\.0\.0\.18: VRRPv2", out)}
    assert sources == {"198.18.2.11"}, out
    assert "vrid 51, prio 120" in out


async def test_keepalived_accepts_the_lab_config_and_restarts_cleanly(lab: Lab) -> None:
    status, _ = await lab.sh("node2", "keepalived -t")  # its own config test: 0 means clean
    assert status == 0
    _, before = await lab.sh("node2", "cat /run/keepalived.pid")
    status, _ = await lab.sh("node2", SERVICES["keepalived"]["restart"])
    assert status == 0

    async def restarted() -> bool:
        code, pid = await lab.sh("node2", "cat /run/keepalived.pid")
        return code == 0 and pid.strip() not in ("", before.strip())

    await eventually("a new keepalived on node2", restarted, timeout=30)
    await eventually("VIP still on node1 only", lambda: lab.holders_are(["node1"]))
