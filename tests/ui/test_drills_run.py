"""Drills through the console on the demo's simulated nodes: `d`, pick, confirm, follow the steps.

The demo's own VIP probe asks the simulated world who serves the VIP (nothing leaves the machine).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from textual.screen import Screen
from textual.widgets import OptionList, Static

from kaconsole.core.insight.anomalies import summaries
from kaconsole.drills.runbook import builtin_names, parse_runbook
from kaconsole.engine.audit import AuditLog
from kaconsole.ui.app import KaConsoleApp
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drill_run import NAME, DrillRun, start_drill
from kaconsole.ui.screens.drills import Drills
from tests.kits.demo import demo_app, drill_screen, pick
from tests.kits.ui import until

SIZE = (140, 45)


def reports(folder: Path) -> dict[str, tuple[str, dict[str, object]]]:
    """The drill reports written to `folder` (JSON with its Markdown beside), by name pattern."""
    found = {}
    for path in folder.glob("*.json"):
        assert path.with_suffix(".md").exists()
        pattern = re.sub(r"-\d{8}-\d{6}\.json$", "-*.json and .md", path.name)
        found[pattern] = (str(path), json.loads(path.read_text()))
    return found


def showing(app: KaConsoleApp) -> Screen[object]:
    return app.screen


def steps_text(screen: DrillRun) -> str:
    return str(screen.query_one("#drill-steps", Static).render())


async def test_nginx_failover_runs_through_the_drill_screen_and_passes(tmp_path: Path) -> None:
    app, demo = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(s.master for s in summaries(app.monitor.state)))
        await pick(pilot, app, "nginx-failover")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert "nginx-failover" in dialog.title_text
        assert "nginx-failover: stop nginx on node1, node2 takes over" in dialog.effect
        assert "3. Stop nginx on node1" in dialog.effect
        await pilot.press("y")
        screen = await drill_screen(pilot, app)
        assert app.drill_running
        # the drill's own confirm step asks through the same dialog; cancel is the default
        await until(pilot, lambda: isinstance(app.screen, Confirm), timeout=20)
        assert isinstance(app.screen, Confirm)
        assert app.screen.title_text == "Stop nginx on node1 now?"
        assert "▶ running" in steps_text(screen)
        assert "Stop nginx on node1" in steps_text(screen)
        await pilot.press("y")
        await until(pilot, lambda: not app.drill_running, timeout=40)
        assert showing(app) is screen
        report = screen.report
        assert report.result == "passed", report.steps
        assert demo.world.vip_server() == "node2"
        text = steps_text(screen)
        assert text.count("✓ passed") == len(report.steps)
        result = str(screen.query_one("#drill-result", Static).render())
        assert "failover" in result
        assert "client outage" in result
        saved = reports(tmp_path)
        assert list(saved) == ["kaconsole-demo-drill-nginx-failover-*.json and .md"]
        path, data = saved["kaconsole-demo-drill-nginx-failover-*.json and .md"]
        assert path in result.replace("\n", "")
        assert data["result"] == "passed"
        await pilot.press("escape")
        assert showing(app) is app.main
        assert not app.is_screen_installed(NAME)
    audited = [(e["action"], e["phase"]) for e in AuditLog(tmp_path / "audit.jsonl").read()]
    assert audited == [("stop nginx", "started"), ("stop nginx", "completed")]


async def test_abort_offers_the_rollback_which_restores_the_start(tmp_path: Path) -> None:
    app, demo = demo_app(tmp_path)
    # node1's check script keeps passing: nginx stops but the VIP stays, so the drill waits
    # (up to 15 s) for a failover that does not come, and the abort lands in that wait
    demo.world.nodes["node1"].script_status = 0
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, app, "nginx-failover")
        await pilot.press("y")
        screen = await drill_screen(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, Confirm), timeout=20)
        await pilot.press("y")  # stop nginx on node1 now
        await until(pilot, lambda: screen.report.steps[3].status == "running")
        assert "▸ ▶ running   4. Wait until node2 is MASTER" in steps_text(screen)
        # leave for the main screen: the drill keeps running
        await pilot.press("escape")
        assert showing(app) is app.main
        assert app.drill_running
        await pilot.press("d")
        assert showing(app) is screen  # `d` comes back to the running drill
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, Confirm), timeout=20)
        assert isinstance(app.screen, Confirm)
        assert app.screen.title_text.startswith("Run the rollback (5 steps)")
        assert any("restart keepalived on node1" in line.lower() for line in app.screen.effect)
        await pilot.press("y")
        await until(pilot, lambda: not app.drill_running, timeout=60)
        report = screen.report
        assert report.result == "aborted"
        assert report.steps[3].evidence.startswith("aborted by the operator; last seen: MASTER")
        assert [r.status for r in report.rollback] == ["passed"] * 5
        assert "Rollback" in steps_text(screen)
        assert demo.world.vip_server() == "node1"
    done = [e["action"] for e in AuditLog(tmp_path / "audit.jsonl").read()
            if e["phase"] == "completed"]
    assert done == ["stop nginx", "start nginx", "restart keepalived"]


async def test_declining_the_start_runs_nothing(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, app, "split-brain-check")
        await pilot.press("n")
        assert showing(app) is app.main
        assert not app.drill_running
        assert not app.is_screen_installed(NAME)
    assert reports(tmp_path) == {}


#: A drill still running whenever the test presses q, however slow the machine.
WAITS_LONG = """
name: waits-long
title: Waits for a takeover that does not come
steps:
  - title: Wait for $backup to become MASTER by itself (it will not)
    wait: {master: $backup, timeout: 600}
"""


async def test_q_asks_first_and_quitting_stops_the_drill(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.main.state is not None)
        start_drill(app, app, parse_runbook(WAITS_LONG, "waits-long.yaml"))
        await drill_screen(pilot, app)
        await pilot.press("q")
        assert isinstance(app.screen, Confirm)
        assert app.screen.title_text == "Quit while a drill runs?"
        await pilot.press("n")
        assert isinstance(app.screen, DrillRun)
        assert app.is_running
        await pilot.press("q", "y")
    assert app.return_value == 0
    # the drill stopped with the console; its report says so
    [(_, data)] = reports(tmp_path).values()
    assert data["result"] == "aborted"
    assert data["notes"][-1] == "the drill was stopped (its console quit)"  # type: ignore[index]


async def test_d_lists_every_builtin_drill_with_its_title(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, Drills)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)]
        assert [p.split()[0] for p in prompts] == builtin_names()
        assert any(p.endswith("nginx fails on the MASTER; the VIP moves to the BACKUP")
                   for p in prompts)
        await pilot.press("escape")
        assert showing(app) is app.main


async def test_a_new_drill_replaces_the_finished_ones_screen(tmp_path: Path) -> None:
    app, demo = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, app, "nginx-failover")
        await pilot.press("y")
        first = await drill_screen(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, Confirm), timeout=20)
        await pilot.press("y")
        await until(pilot, lambda: not app.drill_running, timeout=40)
        # still on the finished drill's screen, start the next one from the palette
        recovery = next(c for c in app.get_system_commands(app.screen)
                        if c.title == "Drill: recovery")
        recovery.callback()
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: app.get_screen(NAME) is not first)
        second = app.get_screen(NAME)
        assert first not in app.screen_stack
        deadline = time.monotonic() + 40
        while app.drill_running:  # recovery asks before each start: yes to each
            assert time.monotonic() < deadline
            if isinstance(app.screen, Confirm):
                await pilot.press("y")
            await pilot.pause(0.05)
        assert isinstance(second, DrillRun)
        assert second.report.drill == "recovery"
        assert second.report.result == "passed", second.report.steps
        assert demo.world.vip_server() == "node1"
