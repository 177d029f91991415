"""A snapshot of the drill screen mid-run: nginx-failover on the lab pair, waiting for node2.

Deterministic: the report is fixed (see `test_drills_view.midrun`), the clock is pinned, the
cluster state comes from the lab samples, and no drill actually runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kaconsole.drills.events import ConfirmRequest, DrillEvent
from kaconsole.drills.runbook import load_drill
from kaconsole.drills.runner import DrillRunner
from kaconsole.ui.screens.drill_run import DrillRun, DrillUpdated
from tests.kits.drillreport import NOW, midrun
from tests.kits.ui import SECRET, console, until

SIZE = (130, 42)


async def never(request: ConfirmRequest) -> bool:
    raise AssertionError(f"nothing runs in a snapshot, yet it asked {request.prompt!r}")


def test_drill_screen_mid_run(snap_compare: Any, tmp_path: Path) -> None:
    app = console(tmp_path)
    runner = DrillRunner(load_drill("nginx-failover"), app.monitor, app.actions, confirm=never)
    screen = DrillRun(runner, tmp_path / "drill.json", app, clock=lambda: NOW)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.main.state is not None)
        await pilot.app.push_screen(screen)
        screen.post_message(DrillUpdated(DrillEvent("evidence", midrun(), "steps", 3)))
        await until(pilot, lambda: screen.report.result == "running" and bool(screen.report.roles))
        await pilot.pause()
        assert SECRET not in pilot.app.export_screenshot()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
