"""Who hears whom on the real lab (issue 18): a one-way VRRP drop on each side names the node
whose input drops the adverts, in the advert matrix and the split brain's cause, with multicast
adverts and with unicast peers (`unicast_peer`, where each advert is addressed to one node); and the
maintenance drill moves the VIP through the track file with no failed probe, and back.

Every change is undone: faults healed, the maintenance file back to 0.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.insight.matrix import AdvertMatrix, advert_matrix
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.status import take_status
from kaconsole.lab import control, faults
from kaconsole.lab.configs import MAINTENANCE_FILE, LabSpec
from tests.kits.lab import Lab, assert_node2_deaf, drill, eventually

pytestmark = pytest.mark.lab
INSTANCE = "VI_CLUSTER"


@pytest.fixture(scope="module", params=["multicast", "unicast"])
def peering(request: pytest.FixtureRequest, lab_session: Lab) -> Iterator[Lab]:
    """The session's lab as it is (multicast), or rebuilt with unicast peers and taken down
    after, so the next test gets the multicast lab back (`lab` brings it up when needed)."""
    if request.param == "multicast":
        yield lab_session
        return
    started = time.monotonic()
    state = control.up(lab_session.dir, LabSpec(unicast=True))
    conf = (lab_session.dir / "nodes/node1/etc/keepalived/keepalived.conf").read_text()
    assert "unicast_peer {" in conf
    yield Lab(lab_session.dir, state, time.monotonic() - started)
    control.down(lab_session.dir)


@pytest.fixture
def pair(peering: Lab) -> Lab:
    peering.ensure_up()
    return peering


async def _status(lab: Lab) -> tuple[ClusterState, AdvertMatrix]:
    state = await take_status(load_cluster(lab.dir / "cluster.yaml"))
    matrix = advert_matrix(state, INSTANCE)
    assert matrix is not None
    return state, matrix


def _split(state: ClusterState) -> tuple[str, str]:
    (split,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
    return split.extra["likely_cause"], split.message


async def test_node2_dropping_vrrp_in_input_is_named(pair: Lab) -> None:
    lab = pair
    faults.apply(lab.dir, "node2", "vrrp-deaf")
    try:
        await eventually("VIP on both", lambda: lab.holders_are(["node1", "node2"]), 15)
        state, m = await _status(lab)
        assert_node2_deaf(m)
        cause, message = _split(state)
        assert cause == "vrrp_blocked"
        assert "VRRP is dropped on node2 (firewall)" in message
        assert "dropped on node1" not in message
    finally:
        faults.heal(lab.dir, "node2")
    await eventually("VIP on node1 alone", lambda: lab.holders_are(["node1"]), 15)


async def test_node1_dropping_is_silent_until_node2_sends_then_named(pair: Lab) -> None:
    lab = pair
    faults.apply(lab.dir, "node1", "vrrp-deaf")
    try:
        # node2 is a silent BACKUP: node1's deafness cannot show, and nothing is blamed
        state, m = await _status(lab)
        assert await lab.holders_are(["node1"])
        assert (m.losses, m.blocked) == ((), ())
        assert not [a for a in find_anomalies(state) if a.kind == "split_brain"]
        # drained to 90, node1 is below node2's 100: node2 takes over, deaf node1 stays MASTER
        await lab.sh("node1", f"echo 3 > {MAINTENANCE_FILE}")
        await eventually("VIP on both", lambda: lab.holders_are(["node1", "node2"]), 15)
        state, m = await _status(lab)
        c21 = m.cell("node2", "node1")
        c12 = m.cell("node1", "node2")
        assert c21 is not None
        assert c12 is not None
        assert (c21.priority, c21.received) == (90, True)
        assert (c12.priority, c12.received) == (100, False)
        assert (
            "node2 hears node1; node1 does not hear node2: look at node1's input filter for "
            "protocol 112"
        ) in m.losses
        cause, message = _split(state)
        assert cause == "vrrp_blocked"
        assert "VRRP is dropped on node1 (firewall)" in message
        assert "dropped on node2" not in message
    finally:
        await lab.sh("node1", f"echo 0 > {MAINTENANCE_FILE}")
        faults.heal(lab.dir, "node1")
    await eventually("VIP on node1 alone", lambda: lab.holders_are(["node1"]), 15)


async def test_maintenance_drill_moves_the_vip_without_a_failed_probe(
    lab: Lab, tmp_path: Path
) -> None:
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]), 15)

    async def served() -> bool:
        # after a split brain the host's neighbour entry may still name node2's MAC (node1,
        # MASTER throughout, sent no GARP): start once clients reach node1 again
        return lab.http_vip() == "node1\n"

    await eventually("clients served by node1", served, 30)
    try:
        code, report, _ = drill(lab, tmp_path, "maintenance")
        assert (code, report["result"]) == (0, "passed"), report
        assert report["roles"] == {"$master": "node1", "$backup": "node2", "$home": "node1"}
        actions = [s for s in report["steps"] if s["kind"] == "action"]
        assert "write 3 to /etc/keepalived/maintenance" in actions[0]["evidence"]
        assert report["probes"]["failed"] == 0, report["probes"]
        assert report["probes"]["sent"] > 20
        audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
        assert any(a.get("action", "").startswith("drain maintenance") for a in audit)
    finally:
        await lab.sh("node1", f"echo 0 > {MAINTENANCE_FILE}")
    await eventually("VIP back on node1", lambda: lab.holders_are(["node1"]), 15)
    assert (await lab.sh("node1", f"cat {MAINTENANCE_FILE}"))[1].strip() == "0"
