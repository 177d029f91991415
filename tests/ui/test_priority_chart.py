"""The priority chart (`P`): the history it draws, from the lab's real run, and the key on the
demo. The demo's clock is real time, so the plot is tested through its data, not a snapshot."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Static

from kaconsole.core.facts import AddressesObserved, AdvertSeen, ConfigObserved, LogSeen
from kaconsole.core.insight.explain import OperatorAction
from kaconsole.core.insight.view import view_of
from kaconsole.core.polls.addresses import parse_ip_addr
from kaconsole.engine.audit import AuditLog
from kaconsole.sim.cluster import demo_cluster, demo_sessions
from kaconsole.ui.app import make_app
from kaconsole.ui.present.priorities import PriorityHistory
from kaconsole.ui.widgets.priority_chart import PriorityChart, PriorityScreen
from tests.kits.ui import LAB, lab_facts, monitor_with, until

#: The lab run's reference failure: nginx stopped on node1 at 15:32:14 (manifest.json).
STOP_AT = datetime.fromisoformat("2026-11-25T15:32:14").timestamp()


def lab_history() -> tuple[PriorityHistory, float]:
    """The lab run up to the recovery, observed fact by fact as the console would."""
    facts = [f for f in lab_facts(until="2026-11-25T15:32:20")
             if isinstance(f, LogSeen | AdvertSeen | ConfigObserved)]
    first = min(f.event.ts.timestamp() for f in facts if isinstance(f, LogSeen) and f.event.ts)
    for node, sample in (("node1", "ip-addr-node1-master"), ("node2", "ip-addr-node2-backup")):
        facts.insert(0, AddressesObserved(node, parse_ip_addr((LAB / f"{sample}.json")
                                                              .read_text()), first))
    stop = OperatorAction("node1", "stop nginx", STOP_AT, "nginx -s stop")
    monitor, history = monitor_with([]), PriorityHistory()
    for fact in facts:
        monitor.feed(fact)
        history.observe(view_of(monitor.state, [stop]))
    assert history.now is not None
    return history, history.now


def test_the_history_has_each_node_s_priority_the_holder_and_the_moments() -> None:
    history, now = lab_history()
    assert history.instances == ["VI_CLUSTER"]
    chart = history.chart("VI_CLUSTER")
    assert chart is not None
    lines = dict(chart.lines)
    (node1,) = lines["node1"]
    (node2,) = lines["node2"]
    assert next(p for _, p in node1) == 120
    assert 0 in [p for _, p in node1]  # keepalived stopped by the track script: out (priority 0)
    assert [p for _, p in node1][-1] == 120  # recovery has started it again
    assert {p for _, p in node2} == {100}
    assert node1[-1][0] == 0.0  # the lines reach now
    holders = dict(chart.holders)
    assert holders["node1"]
    assert not holders["node2"]
    texts = [m.text for m in chart.marks]
    assert "node1 MASTER" in texts
    assert "node2 MASTER" in texts
    assert "node1 STOP" in texts
    (action,) = [m for m in chart.marks if m.kind == "action"]
    assert action.text == "stop nginx on node1"
    assert action.at == STOP_AT - now
    went = next(m.at for m in chart.marks if m.text == "node1 STOP")
    assert action.at < went < 0  # the stop comes before the track script's effect


def test_nothing_to_draw_says_nothing() -> None:
    history, _ = lab_history()
    assert history.chart("VI_OTHER") is None
    empty = PriorityHistory()
    assert empty.instances == []
    assert empty.chart("VI_CLUSTER") is None
    steady = monitor_with(lab_facts()).state
    again = PriorityHistory()
    for _ in range(3):
        again.observe(view_of(steady))
    chart = again.chart("VI_CLUSTER")
    assert chart is not None
    assert all(m.kind == "transition" for m in chart.marks)
    assert all(len(runs[0]) == 2 for _, runs in chart.lines)  # one sample: nothing repeated


def test_the_history_is_bounded() -> None:
    small = PriorityHistory(capacity=2)
    facts = [f for f in lab_facts(until="2026-11-25T15:32:20") if isinstance(f, LogSeen)]
    monitor = monitor_with([])
    for fact in facts:
        monitor.feed(fact)
        small.observe(view_of(monitor.state))
    chart = small.chart("VI_CLUSTER")
    assert chart is not None
    assert all(len(run) <= 4 for _, runs in chart.lines for run in runs)


async def test_shift_p_opens_the_chart_of_each_instance_with_its_nodes(tmp_path: Path) -> None:
    cluster, where = demo_cluster()
    app = make_app(cluster, sessions=demo_sessions(cluster, speed=10.0), cluster_file=where,
                   audit=AuditLog(tmp_path / "audit.jsonl"), save_dir=tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await until(pilot, lambda: bool(app.priorities.instances), timeout=30)
        await pilot.press("P")
        assert isinstance(app.screen, PriorityScreen)
        await until(pilot, lambda: bool(app.screen.query(PriorityChart)), timeout=30)
        (plot,) = app.screen.query(PriorityChart)
        assert plot.instance == app.priorities.instances[0]
        legend = str(app.screen.query_one(".legend", Static).render())
        assert all(n.name in legend for n in cluster.nodes)
        drawn = plot.render()
        assert "effective priority" in str(drawn)
        await pilot.press("escape")
        assert not isinstance(app.screen, PriorityScreen)
