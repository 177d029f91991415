"""The console's headless `status` against the real lab: the cluster file `lab up` writes works
end to end (SSH, strict host keys, explicit services, file logs, capture on eth1)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from kaconsole.lab import faults
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab


def status(lab: Lab) -> tuple[int, dict[str, Any]]:
    pytest.importorskip("kaconsole.engine.status")
    result = subprocess.run(
        [sys.executable, "-m", "kaconsole", "status", str(lab.dir / "cluster.yaml"), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


async def test_status_of_the_healthy_lab(lab: Lab) -> None:
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]))
    code, snapshot = status(lab)
    assert code == 0, snapshot["anomalies"]
    (instance,) = snapshot["instances"]
    assert instance["master"] == "node1"
    assert instance["vip_holders"] == ["node1"]
    assert instance["advert_sources"] == ["198.18.2.11"]
    assert [n["reachable"] for n in snapshot["nodes"]] == [True, True]


async def test_status_sees_the_split_brain(lab: Lab) -> None:
    faults.apply(lab.dir, "node2", "vrrp-deaf")
    try:
        await eventually("VIP on both nodes", lambda: lab.holders_are(["node1", "node2"]))
        code, snapshot = status(lab)
    finally:
        faults.heal(lab.dir, "node2")
    assert code == 1
    (instance,) = snapshot["instances"]
    assert instance["split_brain"] is True
    assert sorted(instance["advert_sources"]) == ["198.18.2.11", "198.18.2.12"]
    kinds = {a["kind"]: a for a in snapshot["anomalies"]}
    assert kinds["split_brain"]["likely_cause"] == "vrrp_blocked"
    await eventually("VIP on node1 only", lambda: lab.holders_are(["node1"]))
