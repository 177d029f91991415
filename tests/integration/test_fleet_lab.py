"""Two clusters in one fleet console over real SSH: two cluster files onto the one lab (a second
lab side by side is not built yet). One SSH connection per node for both views; a split brain
(`vrrp-deaf` on node2) reaches the fleet view and the other cluster's header; the read-only
cluster refuses actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from kaconsole.commands.inputs import cluster_paths, load_clusters
from kaconsole.engine.audit import AuditLog
from kaconsole.lab import faults
from kaconsole.transport.pool import shared_pool
from kaconsole.ui.fleet_app import make_fleet_app
from kaconsole.ui.screens.fleet import FleetClusterScreen
from kaconsole.ui.widgets.header import ClusterHeader
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab

#: Generous: a master-down interval, the capture and the log, and a loaded 2-core machine.
DEADLINE = 45.0


def _fleet_files(lab: Lab) -> list[str]:
    """lab-a as `lab up` wrote it, lab-b the same nodes read-only (beside it: relative key
    paths stay right), both in their own directory-less list of files."""
    text = (lab.dir / "cluster.yaml").read_text()
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    a, b = lab.dir / "fleet-a.yaml", lab.dir / "fleet-b.yaml"
    a.write_text(text.replace(name, "name: lab-a", 1))
    b.write_text("read_only: true\n" + text.replace(name, "name: lab-b", 1))
    return [str(a), str(b)]


async def test_two_clusters_one_console_split_brain_and_read_only(
    lab: Lab, tmp_path: Path
) -> None:
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]))
    clusters, errors = load_clusters(cluster_paths(_fleet_files(lab)))
    assert not errors
    app = make_fleet_app(clusters, audit=AuditLog(tmp_path / "audit.jsonl"), save_dir=tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        table = app.fleet_screen.query_one("#fleet", DataTable)

        def rows() -> list[list[str]]:
            return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]

        async def healthy() -> bool:
            await pilot.pause(0.2)
            return len(rows()) == 2 and all(r[2] == "node1" and r[5] == "ok" for r in rows())

        await eventually("both views healthy", healthy, timeout=DEADLINE)
        assert len(shared_pool()) == 2  # two nodes, one connection each for both views
        app.open_cluster("lab-b")
        await pilot.pause()
        faults.apply(lab.dir, "node2", "vrrp-deaf")
        try:
            async def split() -> bool:
                await pilot.pause(0.2)
                return bool(rows()) and rows()[0][5].startswith("split brain")

            await eventually("split brain in the fleet view", split, timeout=DEADLINE)

            async def header() -> bool:
                await pilot.pause(0.2)
                screen = app.screen
                return isinstance(screen, FleetClusterScreen) and "split brain (lab-a" in str(
                    screen.query_one("#header", ClusterHeader).render())

            await eventually("split brain in lab-b's header", header, timeout=DEADLINE)
            await pilot.press("a")
            assert isinstance(app.screen, FleetClusterScreen)  # no action menu: read-only
            assert app.members["lab-b"].actions.read_only
            assert not app.members["lab-a"].actions.read_only
        finally:
            faults.heal(lab.dir, "node2")
    assert not (tmp_path / "audit.jsonl").exists()
    await eventually("VIP on node1 only", lambda: lab.holders_are(["node1"]))
