"""`kaconsole demo`: the console on the simulated reference pair; `a`, `1`, `y` fails it over."""

from __future__ import annotations

from pathlib import Path

from kaconsole.engine.audit import AuditLog
from kaconsole.sim.cluster import demo_cluster, demo_sessions
from kaconsole.ui.app import KaConsoleApp, make_app
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.detail import Detail
from kaconsole.ui.widgets.header import ClusterHeader
from kaconsole.ui.widgets.node_table import NodeList
from tests.kits.ui import doc_text, until


def _states(app: KaConsoleApp) -> dict[str, str]:
    rows = app.main.query_one(NodeList).rows
    return {r.name: r.cells[4][0] if len(r.cells) > 4 else "" for r in rows}


async def test_demo_fails_over_when_nginx_stops_on_the_master(tmp_path: Path) -> None:
    cluster, where = demo_cluster()
    app = make_app(
        cluster,
        sessions=demo_sessions(cluster, speed=10.0),
        cluster_file=where,
        audit=AuditLog(tmp_path / "audit.jsonl"),
        save_dir=tmp_path,
    )
    async with app.run_test(size=(140, 45)) as pilot:
        await until(pilot, lambda: "MASTER" in _states(app).get("node1", ""), timeout=15)
        assert "BACKUP" in _states(app)["node2"]
        await pilot.press("a", "1")
        assert isinstance(app.screen, Confirm)
        assert any("node2 (100) takes over" in line for line in app.screen.effect)
        await pilot.press("y")
        await until(pilot, lambda: "MASTER" in _states(app)["node2"], timeout=15)
        assert "MASTER" not in _states(app)["node1"]
    assert [e["phase"] for e in AuditLog(tmp_path / "audit.jsonl").read()] == [
        "started",
        "completed",
    ]


async def test_demo_header_counts_config_findings_and_c_shows_the_conf(tmp_path: Path) -> None:
    """The header's badge counts `kaconsole check demo`'s findings (auth_pass longer than 8,
    the weight that only ties); `c` shows each node's keepalived.conf, password masked."""
    cluster, where = demo_cluster()
    app = make_app(cluster, sessions=demo_sessions(cluster, speed=10.0), cluster_file=where,
                   audit=AuditLog(tmp_path / "audit.jsonl"), save_dir=tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        header = app.main.query_one("#header", ClusterHeader)
        await until(pilot, lambda: "config: 2 warnings" in str(header.render()), timeout=30)
        await pilot.press("c")
        await until(pilot, lambda: "auth_pass ***" in doc_text(app, "config"), timeout=30)
        text = doc_text(app, "config")
        assert "node1  /etc/keepalived/keepalived.conf" in text
        assert "   19      priority 120" in text
        assert "   19      priority 100" in text
        assert "▲ warning weight_tie: check_nginx failing on node1" in text
        assert "▲ warning auth_pass_truncated" in text
        assert "cluster_pass" not in text
        assert "cluster_pass" not in str(header.render())


async def test_the_timeline_keeps_one_clock_when_the_master_runs_behind(tmp_path: Path) -> None:
    """node1's clock runs 3 s behind: the skew is journalled, and the operator's stop comes
    before what it caused, in the pane's order and times."""
    from kaconsole.core.insight.timeline import Entry

    cluster, where = demo_cluster()
    app = make_app(
        cluster,
        sessions=demo_sessions(cluster, speed=10.0, skew={"node1": -3.0}),
        cluster_file=where,
        audit=AuditLog(tmp_path / "audit.jsonl"),
        save_dir=tmp_path,
    )

    def timeline() -> list[Entry]:
        return list(app.main.deck.ring("timeline").items)

    async with app.run_test(size=(140, 45)) as pilot:
        await until(pilot, lambda: any(e.kind == "clock_skew" for e in timeline()), timeout=60)
        (skew,) = [e for e in timeline() if e.kind == "clock_skew"]
        assert "node2 is " in skew.text
        assert " ahead of node1" in skew.text
        await until(pilot, lambda: "MASTER" in _states(app).get("node1", ""), timeout=60)
        await pilot.press("a", "1", "y")
        await until(pilot, lambda: "MASTER" in _states(app)["node2"], timeout=60)
        entries = timeline()
        acted = next(i for i, e in enumerate(entries) if e.kind == "confirmed")
        caused = [i for i, e in enumerate(entries) if e.node == "node1" and e.kind == "stop"]
        assert caused
        assert all(i > acted for i in caused)
        times = [e.at for e in entries if e.at is not None]
        assert times == sorted(times)


async def test_each_link_of_the_takeovers_cause_shows_its_own_nodes_evidence(
    tmp_path: Path,
) -> None:
    """"its track script stopped keepalived" is about node1 (the node the link before names):
    its evidence is node1 stopping, never node2's script succeeding or node1 starting. (At 2x:
    a loaded machine lets a faster simulated world's log clock lag the console's by seconds.)"""
    cluster, where = demo_cluster()
    app = make_app(cluster, sessions=demo_sessions(cluster, speed=2.0), cluster_file=where,
                   audit=AuditLog(tmp_path / "audit.jsonl"), save_dir=tmp_path)
    async with app.run_test(size=(150, 46)) as pilot:
        await until(pilot, lambda: "MASTER" in _states(app).get("node1", ""), timeout=15)
        await pilot.press("a", "1", "y")
        await until(pilot, lambda: "MASTER" in _states(app)["node2"]
                    and "STOP" in _states(app)["node1"], timeout=30)
        entries = app.main.console.journal.entries
        takeover = next(i for i, e in enumerate(entries)
                        if e.node == "node2" and "→ MASTER" in e.text)
        await pilot.press("e")
        app.main.deck.ring("timeline").move_to(takeover)
        await pilot.press("enter")
        assert isinstance(app.screen, Detail)
        text = app.screen.text
    link = text.split("2. its track script stopped keepalived\n", 1)[1].split("\n3. ", 1)[0]
    evidence = link.splitlines()
    assert evidence
    assert all(" node1 " in line for line in evidence), link
    assert "daemon: Stopping" in link
    assert "succeeded" not in link
    assert "Starting" not in link
