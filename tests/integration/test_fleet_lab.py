"""Two labs side by side in one fleet console, over real SSH (issue 19): the session's default lab
and lab `b` (`lab_b`: its own namespaces, subnets, VRIDs and keys), whose cluster file says
`read_only: true`. A split brain in b (`vrrp-deaf` on its node2) reaches the fleet view and the
default lab's header; b refuses actions, the default lab offers them; `lab down` of one lab
leaves the other running. A second view of the default lab's nodes shares their connections."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from kaconsole.commands.inputs import cluster_paths, load_clusters
from kaconsole.engine.actions import ActionRequest
from kaconsole.engine.audit import AuditLog
from kaconsole.errors import ActionRefused
from kaconsole.lab import control, faults, netns, nodes
from kaconsole.lab.names import LabNames
from kaconsole.transport.pool import shared_pool
from kaconsole.ui.fleet_app import FleetApp, make_fleet_app
from kaconsole.ui.screens.fleet import FleetClusterScreen
from kaconsole.ui.screens.node_actions import NodeActions
from kaconsole.ui.widgets.header import ClusterHeader
from tests.kits.lab import Lab, eventually, first_times, leftovers

pytestmark = pytest.mark.lab

A, B, VIEW = "kaconsole-lab", "kaconsole-lab-b", "kaconsole-lab-view"
#: Generous: a master-down interval, the capture and the log, and a loaded 2-core machine.
DEADLINE = 45.0
#: Issue 19's aim for a split brain to reach the fleet view and the other cluster's header once
#: it exists; measured and printed, asserted only within DEADLINE (the machine is shared).
AIM = 2.0


def _files(lab: Lab, lab_b: Lab, tmp: Path) -> list[str]:
    """The default lab's cluster file; a second view of its nodes under another name; lab b's
    file made read-only (key, known_hosts and lab paths are absolute: copies may live anywhere)."""
    a = lab.dir / "cluster.yaml"
    view, b = tmp / "view.yaml", tmp / "lab-b.yaml"
    view.write_text(a.read_text().replace(f"name: {A}\n", f"name: {VIEW}\n", 1))
    b.write_text("read_only: true\n" + (lab_b.dir / "cluster.yaml").read_text())
    return [str(a), str(view), str(b)]


def _rows(app: FleetApp) -> dict[str, list[str]]:
    """Cluster name -> its fleet row (one instance per lab)."""
    table = app.fleet_screen.query_one("#fleet", DataTable)
    rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    return {r[0]: r for r in rows}


def _header(app: FleetApp) -> str:
    screen = app.screen
    if not isinstance(screen, FleetClusterScreen):
        return ""
    return str(screen.query_one("#header", ClusterHeader).render())


def _polled(pilot: Pilot[int], check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    """`check` after letting the app run a moment (the pilot's pause)."""
    async def poll() -> bool:
        await pilot.pause(0.02)
        return check()

    return poll


async def test_two_labs_one_console_split_brain_and_read_only(
    lab: Lab, lab_b: Lab, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    assert (lab_b.state.mgmt_net, lab_b.state.svc_net) == ("198.18.3.0/24", "198.18.4.0/24")
    assert lab_b.vip == "198.18.4.100"
    assert "virtual_router_id 59\n" in (
        lab_b.dir / "nodes/node1/etc/keepalived/keepalived.conf").read_text()
    await eventually("VIP on node1 in lab a", lambda: lab.holders_are(["node1"]))
    await eventually("VIP on node1 in lab b", lambda: lab_b.holders_are(["node1"]))
    clusters, errors = load_clusters(cluster_paths(_files(lab, lab_b, tmp_path)))
    assert not errors
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = make_fleet_app(clusters, audit=audit, save_dir=tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        def healthy() -> bool:
            rows = _rows(app)
            return set(rows) == {A, VIEW, B} and all(r[2] == "node1" and r[5] == "ok"
                                               for r in rows.values())

        await eventually("both labs healthy", _polled(pilot, healthy), timeout=DEADLINE)
        assert len(shared_pool()) == 4  # two nodes in each lab, one connection each: the
        # default lab's are shared by its two views
        app.open_cluster(A)
        await pilot.pause()
        faults.apply(lab_b.dir, "node2", "vrrp-deaf")
        try:
            async def real() -> bool:  # the lab's truth, off the app's loop
                return await asyncio.to_thread(lab_b.local_vip_holders) == ["node1", "node2"]

            seen = await first_times({
                "real": real,
                "fleet": _polled(pilot, lambda: _rows(app).get(B, [""] * 6)[5]
                                 .startswith("split brain")),
                "header": _polled(pilot, lambda: f"split brain ({B})" in _header(app)),
            }, timeout=DEADLINE)
            # the default lab is not touched by b's fault
            assert [_rows(app)[name][5] for name in (A, VIEW)] == ["ok", "ok"]
            assert isinstance(app.screen, FleetClusterScreen)
            assert app.screen.console.cluster.name == A  # the header seen was the other's
            for where in ("fleet", "header"):
                lag = seen[where] - seen["real"]
                record_property(f"split_brain_to_{where}_s", round(lag, 2))
                print(f"split brain in lab b -> {where} view: {lag:.2f} s after it was real "
                      f"({seen[where]:.2f} s after the fault; aim {AIM} s)")
            await _actions_offered_on_a_refused_on_b(app, pilot, lab_b, audit)
        finally:
            faults.heal(lab_b.dir, "node2")
    await eventually("VIP on node1 only in lab b", lambda: lab_b.holders_are(["node1"]))


async def _actions_offered_on_a_refused_on_b(app: FleetApp, pilot: Pilot[int], lab_b: Lab,
                                             audit: AuditLog) -> None:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, NodeActions)  # the default lab offers them
    await pilot.press("escape")
    await pilot.pause()
    app.open_cluster(B)
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, FleetClusterScreen)  # no action menu: read-only
    assert app.screen.console.cluster.name == B
    assert app.members[B].actions.read_only
    assert not app.members[A].actions.read_only
    with pytest.raises(ActionRefused, match="read-only"):  # not even a confirmed request
        await app.members[B].actions.execute(ActionRequest("node1", "nginx", "stop"),
                                             confirmed=True)
    node1 = lab_b.state.node("node1")
    assert nodes.service(node1.init_pid, "nginx", "status").returncode == 0
    assert [(e["phase"], e["cluster"]) for e in audit.read()] == [("refused", B)]


def test_lab_down_of_one_lab_leaves_the_other_running(lab: Lab, lab_b: Lab) -> None:
    default = LabNames()
    links, spaces = netns.lab_links(default.owns), netns.lab_namespaces(default.owns)
    pids = [p for n in lab.state.node_states for p in netns.namespace_pids(n.netns)]
    down = subprocess.run(
        [sys.executable, "-m", "kaconsole", "lab", "down", "--dir", str(lab_b.dir), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert down.returncode == 0, down.stderr
    assert "namespace kcl-b-node1" in down.stdout
    assert "kclab" not in down.stdout
    assert leftovers(LabNames("b")) == []
    assert (netns.lab_links(default.owns), netns.lab_namespaces(default.owns)) == (links, spaces)
    assert [p for p in pids if not nodes.alive(p)] == []
    assert control.status(lab.dir)["up"] is True
    assert lab.http_vip() == "node1\n"  # the default lab still serves through its VIP
    started = time.monotonic()
    refused = subprocess.run(
        [sys.executable, "-m", "kaconsole", "status", str(lab_b.dir / "cluster.yaml"), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert time.monotonic() - started < 5
    assert "(`kaconsole lab up --name b` brings it back)" in refused.stderr
