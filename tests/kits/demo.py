"""The demo console for UI tests: an app on the simulated pair, the drill screen's helpers, and a
recorded demo failover (for replay and serve tests)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.recording import Recorder
from kaconsole.sim.cluster import DemoCluster, demo_cluster, demo_sessions
from kaconsole.ui.app import KaConsoleApp, make_app
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drill_run import DrillRun
from kaconsole.ui.screens.drills import Drills
from tests.kits.ui import until


def demo_app(tmp_path: Path, speed: float = 10.0) -> tuple[KaConsoleApp, DemoCluster]:
    cluster, where = demo_cluster()
    demo = demo_sessions(cluster, speed=speed)
    app = make_app(cluster, sessions=demo, cluster_file=where,
                   audit=AuditLog(tmp_path / "audit.jsonl"), save_dir=tmp_path)
    return app, demo


async def drill_screen(pilot: Pilot[int], app: KaConsoleApp) -> DrillRun:
    """The drill screen once started (a confirmation from the drill may already be above it)."""
    await until(pilot, lambda: any(isinstance(s, DrillRun) for s in app.screen_stack))
    return next(s for s in app.screen_stack if isinstance(s, DrillRun))


async def pick(pilot: Pilot[int], app: KaConsoleApp, name: str) -> None:
    """`d`, move to `name` in the list, enter: the start confirmation shows."""
    await pilot.press("d")
    assert isinstance(app.screen, Drills)
    options = app.screen.query_one(OptionList)
    index = next(i for i in range(options.option_count)
                 if options.get_option_at_index(i).id == name)
    options.highlighted = index
    await pilot.press("enter")
    assert isinstance(app.screen, Confirm)


async def record_demo_failover(directory: Path) -> tuple[Path, ClusterMonitor]:
    """A demo session at 20x, node1's keepalived stopped then started, recorded on the
    simulated clock (so its times are the facts' times)."""
    cluster, _ = demo_cluster()
    demo = demo_sessions(cluster, speed=20.0)
    monitor = ClusterMonitor(cluster, demo)
    monitor.recorder = Recorder(cluster, "console", directory, clock=demo.world.now)
    task = asyncio.create_task(monitor.run())
    await monitor.wait_for(lambda s: "MASTER" in str(s.nodes[0].instances), 10)
    demo.world._node("node1").stop_keepalived()
    await monitor.wait_for(lambda s: "MASTER" in str(s.nodes[1].instances), 10)
    await asyncio.sleep(0.3)
    demo.world._node("node1").start_keepalived()
    await monitor.wait_for(lambda s: s.transition_count >= 7, 10)
    await asyncio.sleep(0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return monitor.recorder.path, monitor
