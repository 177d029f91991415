"""Draws the README's pictures from the demo. Run from the repository's root:

    python docs/screenshot.py

docs/screenshot.svg: the console just after the reference failover, driven as a user would
(`a`, `1`, `y`: stop nginx on node1), with the takeover's detail view open: its cause chain whole.
docs/fleet.svg: `kaconsole demo --fleet`, once db-eu's split brain is on the fleet view.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from kaconsole.core.facts import ServiceState
from kaconsole.engine.audit import AuditLog
from kaconsole.sim.cluster import demo_cluster, demo_sessions
from kaconsole.sim.fleet import demo_fleet, fleet_sessions
from kaconsole.ui.app import KaConsoleApp, make_app
from kaconsole.ui.fleet_app import FleetApp, make_fleet_app

OUT = Path(__file__).with_name("screenshot.svg")
FLEET = Path(__file__).with_name("fleet.svg")
SIZE = (150, 46)


def _settled(app: KaConsoleApp) -> bool:
    state = app.main.state
    if state is None:
        return False
    node1, node2 = state.node("node1"), state.node("node2")
    return (node1 is not None and node2 is not None
            and node1.service("keepalived") is ServiceState.STOPPED
            and any(i.state.value == "MASTER" for i in node2.instances))


async def _until(app: KaConsoleApp | FleetApp, check: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check(app):  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("the demo did not get there in time")
        await asyncio.sleep(0.05)


async def main() -> None:
    cluster, where = demo_cluster()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(cluster, sessions=demo_sessions(cluster, speed=4.0), cluster_file=where,
                       audit=AuditLog(Path(tmp) / "audit.jsonl"), save_dir=Path(tmp))
        async with app.run_test(size=SIZE) as pilot:
            await _until(app, lambda a: a.main.state is not None and any(
                i.state.value == "MASTER" for n in a.main.state.nodes[:1] for i in n.instances))
            await pilot.press("a", "1", "y")
            await _until(app, _settled)
            await pilot.press("e", "g")
            entries = app.main.console.journal.entries
            takeover = next(i for i, e in enumerate(entries)
                            if e.node == "node2" and "→ MASTER" in e.text)
            await pilot.press(*["j"] * takeover, "enter")  # the takeover's line, opened whole
            await pilot.pause(1.0)
            app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    print(f"wrote {OUT}")
    with tempfile.TemporaryDirectory() as tmp:
        fleet = make_fleet_app(demo_fleet(6), sessions=fleet_sessions(speed=4.0),
                               audit=AuditLog(Path(tmp) / "audit.jsonl"), save_dir=Path(tmp))
        async with fleet.run_test(size=(150, 20)) as pilot:
            await _until(fleet, lambda a: any(
                kind == "split_brain" for d in a.fleet.snapshot().clusters.values()
                for kind, _ in d.anomalies))
            await pilot.pause(1.5)
            fleet.save_screenshot(filename=FLEET.name, path=str(FLEET.parent))
    print(f"wrote {FLEET}")


if __name__ == "__main__":
    asyncio.run(main())
