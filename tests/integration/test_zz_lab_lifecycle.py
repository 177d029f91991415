"""Teardown leaves nothing behind, of the default lab nor of a named one beside it; `lab up`
cleans a crashed lab's leftovers and builds variants.

Runs last (file name): it takes the session lab down.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaconsole.lab import control, netns, nodes
from kaconsole.lab.names import LabNames
from tests.kits.lab import Lab, leftovers

pytestmark = pytest.mark.lab


def _pids(lab: Lab) -> list[int]:
    pids = [pid for n in lab.state.node_states for pid in netns.namespace_pids(n.netns)]
    pids += [pid for n in lab.state.node_states for pid in (n.init_pid, n.unshare_pid)]
    assert len(pids) >= 2 * 5  # per node: init, sshd, nginx x2, keepalived x2 (+ unshare)
    return pids


def test_down_leaves_no_namespace_link_mount_or_process(lab: Lab, lab_b: Lab) -> None:
    pids, pids_b = _pids(lab), _pids(lab_b)
    # as after a crash: node2's namespace deleted by hand, its processes still running
    netns.run(["ip", "netns", "del", "kclab-node2"])
    removed = control.down(lab.dir)
    assert "namespace kclab-node1" in removed
    assert not [r for r in removed if "kcl-b-" in r]
    assert leftovers(LabNames()) == []
    assert [p for p in pids if nodes.alive(p)] == []
    assert [p for p in pids_b if not nodes.alive(p)] == []  # lab b runs on, untouched
    assert control.status(lab_b.dir)["up"] is True
    # lab b crashed the same way: its down finds its orphans by name too
    netns.run(["ip", "netns", "del", "kcl-b-node2"])
    assert "namespace kcl-b-node1" in control.down(lab_b.dir, "b")
    assert leftovers() == []  # of every lab
    assert [p for p in pids_b if nodes.alive(p)] == []
    assert not (lab.dir / "state.json").exists()
    status = control.status(lab.dir)
    assert status["up"] is False
    assert status["leftovers"] == []
    # its cluster file is now refused at once, nothing sent (CONTRACTS.md section 10)
    started = time.monotonic()
    refused = _kaconsole("status", str(lab.dir / "cluster.yaml"), "--json")
    assert refused.returncode == 2
    assert time.monotonic() - started < 5  # the interpreter's start, not an SSH timeout
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert f"the lab in {lab.dir} is down" in refused.stderr


def test_up_removes_leftovers_and_builds_v3_unicast_variants(lab: Lab) -> None:
    lab_dir = lab.dir.parent / "variant"
    # what a crashed lab leaves: a namespace and a link with the lab's prefix
    netns.run(["ip", "netns", "add", "kclab-stale"])
    netns.run(["ip", "link", "add", "kclab-stale0", "type", "bridge"])
    refused = _cli("up", "--svc-net", "192.0.2.0/24", "--dir", str(lab_dir))
    assert refused.returncode == 2
    assert "must lie inside 198.18.0.0/15" in refused.stderr
    assert "kclab-stale" in netns.lab_namespaces()  # refused before anything was touched
    up = _cli("up", "--nodes", "3", "--instances", "2", "--vrrp-version", "3", "--unicast",
              "--mgmt-net", "198.19.1.0/24", "--svc-net", "198.19.2.0/24",
              "--dir", str(lab_dir), "--json")  # fmt: skip
    try:
        assert up.returncode == 0, up.stderr
        report = json.loads(up.stdout)
        assert report["seconds"] < 10
        assert "kclab-stale" not in netns.lab_namespaces()
        assert "kclab-stale0" not in netns.lab_links()
        assert [n["name"] for n in report["node_states"]] == ["node1", "node2", "node3"]
        conf = (lab_dir / "nodes/node3/etc/keepalived/keepalived.conf").read_text()
        assert "vrrp_version 3" in conf
        assert "authentication" not in conf  # keepalived refuses it with VRRPv3
        assert "unicast_peer {\n        198.19.2.11\n        198.19.2.12\n    }" in conf
        assert "priority 80" in conf
        for vip in ("198.19.2.100", "198.19.2.101"):
            assert vip in control.node_addresses("kclab-node1")
        status = json.loads(_cli("status", "--dir", str(lab_dir), "--json").stdout)
        assert status["up"] is True
        assert [n["vips"] for n in status["nodes"]] == [["198.19.2.100", "198.19.2.101"], [], []]
        assert [n["mgmt_ip"] for n in status["nodes"]] == ["198.19.1.11", "198.19.1.12",
                                                           "198.19.1.13"]
    finally:
        down = _cli("down", "--dir", str(lab_dir))
    assert down.returncode == 0, down.stderr
    assert leftovers() == []


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return _kaconsole("lab", *args)


def _kaconsole(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaconsole", *args],
        capture_output=True, text=True, timeout=60, check=False, cwd=Path(__file__).parent,
    )  # fmt: skip
