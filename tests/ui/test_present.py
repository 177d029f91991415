"""The pure rendering decisions, without a terminal: rows, labels, roles, diagram, timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaconsole.core.checks.model import Finding, Severity
from kaconsole.core.events import Advert, LogEvent, LogKind, VrrpState
from kaconsole.core.facts import ChannelStatus, Reachability, ServiceObserved, ServiceState
from kaconsole.core.insight.anomalies import summaries
from kaconsole.core.insight.view import view_of
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold
from kaconsole.ui.present.common import SYMBOL, state_label
from kaconsole.ui.present.config import config_badge, config_lines
from kaconsole.ui.present.diagram import diagram, diagram_lines
from kaconsole.ui.present.journal import Journal
from kaconsole.ui.present.nodes import banner, columns, degraded, header_lines, node_rows
from kaconsole.ui.present.panes import advert_line, log_line, log_role
from kaconsole.ui.themes import DEFAULTS
from tests.kits.ui import cluster, lab_facts, monitor_with


def steady() -> ClusterState:
    return monitor_with(lab_facts()).state


def split() -> ClusterState:
    return monitor_with(lab_facts(until="2026-11-25T15:32:28", phase="split")).state


def _flat(lines: list[list[tuple[str, str]]]) -> str:
    return "\n".join("".join(t for t, _ in line) for line in lines)


def test_every_state_has_its_own_symbol_and_word() -> None:
    labels = [state_label(s) for s in VrrpState]
    assert len(set(SYMBOL.values())) == len(VrrpState)
    assert all(s.value in label for s, label in zip(VrrpState, labels, strict=True))


def test_every_role_used_is_a_theme_variable() -> None:
    state = split()
    roles = {r for row in node_rows(view_of(state)) for _, r in row.cells}
    roles |= {r for line in header_lines(view_of(state)) for _, r in line}
    roles |= {
        r for s in summaries(state)
        for line in diagram_lines(diagram(view_of(state), s)) for _, r in line
    }
    roles |= {log_role(LogEvent(k, "x", fields={"state": "MASTER"})) for k in LogKind}
    roles.discard("")
    assert roles <= set(DEFAULTS)


def test_node_rows_follow_the_inventory_with_the_contract_columns() -> None:
    state = steady()
    assert columns(view_of(state)) == ("node", "reach", "nginx", "keepalived", "VI_CLUSTER")
    rows = node_rows(view_of(state))
    assert [r.name for r in rows] == ["node1", "node2"]
    assert rows[0].cells[4] == ("● MASTER 120/120 VIP", "vrrp-master")
    assert rows[1].cells[4] == ("○ BACKUP 100/100", "vrrp-backup")
    assert rows[0].cells[2] == ("▲ running", "healthy")


def test_unreachable_and_stopped_read_as_words_not_only_colour() -> None:
    state = fold(
        steady(),
        [
            Reachability("node2", False, 2e9, "connection refused"),
            ServiceObserved("node1", "nginx", ServiceState.STOPPED, 2e9),
        ],
    )
    rows = node_rows(view_of(state))
    assert rows[1].cells[1] == ("✖ UNREACHABLE", "down")
    assert rows[0].cells[2] == ("▼ STOPPED", "down")
    text, loud = banner(view_of(state))
    assert loud
    assert "UNREACHABLE: node2 is unreachable: connection refused" in text


def test_banner_is_quiet_when_healthy_and_an_alarm_on_split_brain() -> None:
    assert banner(view_of(steady())) == ("✔ no anomalies", False)
    text, loud = banner(view_of(split()))
    assert loud
    assert text.startswith("⚠ SPLIT BRAIN")


def test_degraded_streams_are_said_without_raising_the_alarm() -> None:
    at = steady().clock or 0.0  # the state's own time: adverts still current
    state = fold(steady(), [ChannelStatus("node2", "capture", False, at, "tcpdump: not found")])
    assert degraded(state) == ["node2 capture: tcpdump: not found"]
    text, loud = banner(view_of(state), degraded(state))
    assert text == "◐ DEGRADED node2 capture: tcpdump: not found"
    assert not loud
    healed = fold(state, [ChannelStatus("node2", "capture", True, at + 1)])
    assert degraded(healed) == []


def test_diagram_marks_each_node_and_says_who_should_be_master() -> None:
    state = steady()
    d = diagram(view_of(state), summaries(state)[0])
    assert [(n.name, n.state) for n in d.nodes] == [
        ("node1", VrrpState.MASTER),
        ("node2", VrrpState.BACKUP),
    ]
    assert d.verdict.should == "node1"
    assert d.agrees
    text = _flat(diagram_lines(d))
    assert "[● MASTER]" in text
    assert "master-down 3.61 s" in text  # 3 x 1 s + (256 - 100) / 256
    assert "(startup)" in text


def test_diagram_disagrees_on_split_brain() -> None:
    state = split()
    d = diagram(view_of(state), summaries(state)[0])
    assert d.verdict.actual == ("node1", "node2")
    assert not d.agrees
    assert "✖ DISAGREES" in _flat(diagram_lines(d))


def test_header_names_master_and_vip_holders() -> None:
    text = _flat(header_lines(view_of(steady()), "pair"))
    assert "cluster lab-sample" in text
    assert "● MASTER node1" in text
    assert "VIP 203.0.113.100 on node1" in text
    assert "READ-ONLY" not in text
    assert "[READ-ONLY: actions disabled]" in _flat(header_lines(view_of(steady()), read_only=True))


def test_log_and_advert_lines() -> None:
    event = LogEvent(LogKind.STATE, "(VI_1) Entering FAULT STATE", None, fields={"state": "FAULT"})
    line = log_line("node1", event)
    assert line.segs[-1] == ("(VI_1) Entering FAULT STATE", "vrrp-fault")
    adv = Advert(
        1.0,
        "10.0.0.1",
        "224.0.0.18",
        2,
        51,
        0,
        1.0,
        "simple",
        ("10.0.0.100",),
        64,
        problems=("ttl 64, must be 255",),
    )
    text = advert_line("node2", adv, "node1").text
    assert "node1 (10.0.0.1)" in text
    assert "prio 0" in text
    assert "ttl 64, must be 255" in text


def test_journal_records_transitions_anomalies_and_actions_once() -> None:
    journal = Journal()
    state = steady()
    first = journal.observe(view_of(state))
    assert any("BACKUP → MASTER" in e.text for e in first)
    assert journal.observe(view_of(state)) == []
    later = split()
    new = journal.observe(view_of(later))
    assert any(e.kind == "split_brain" for e in new)
    cleared = journal.observe(view_of(state))
    assert any(e.kind == "cleared" for e in cleared)
    journal.action(2e9, "node1", "done", "stop nginx on node1: done | ok")
    md = journal.to_markdown("lab")
    assert md.startswith("# kaconsole timeline: lab")
    assert "done \\| ok" in md


def test_config_pane_without_configs() -> None:
    state = initial_state("x", [("a", "10.0.0.1")])
    assert _flat(config_lines(state, None)) == "no keepalived.conf read yet"


def test_config_badge_counts_by_severity() -> None:
    def finding(severity: Severity) -> Finding:
        return Finding(severity, "x", None, ("a",), "m")

    assert config_badge(None) == ("config: ?", "muted")
    assert config_badge(()) == ("config ok", "healthy")
    assert config_badge([finding("warning"), finding("error"), finding("warning")]) == (
        "config: 1 error 2 warnings", "anomaly")
    assert config_badge([finding("info"), finding("info")])[0] == "config: 2 info"
@pytest.mark.parametrize("nodes", [1, 20])
def test_rows_for_any_inventory_size(nodes: int, tmp_path: Path) -> None:
    c = cluster(nodes)
    state = initial_state(c.name, [(n.name, n.host) for n in c.nodes])
    rows = node_rows(view_of(state))
    assert len(rows) == nodes
    assert all(r.cells[1] == ("… connecting", "muted") for r in rows)
