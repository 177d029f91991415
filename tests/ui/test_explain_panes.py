"""The what-if pane (`i`) and the command log pane (`o`): pure lines, then through the keys."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import ContentSwitcher

from kaconsole.core.insight.view import view_of
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from kaconsole.ui.present.explain import command_lines, session_entries, whatif_view
from tests.kits.ui import SECRET, console, doc_text, lab_facts, runner, until

SIZE = (160, 50)


def _plain(lines: list[list[tuple[str, str]]]) -> list[str]:
    return ["".join(t for t, _ in line) for line in lines]


def test_whatif_view_on_the_lab_pair() -> None:
    state = fold(initial_state("lab-sample", [("node1", "203.0.113.11"),
                                              ("node2", "203.0.113.12")]), lab_facts())
    text = _plain(whatif_view(view_of(state)))
    assert text[0] == "VI_CLUSTER  MASTER now: node1"
    assert "  node1  base 120 · effective now 120" in text
    tie = next(t for t in text if t.startswith("    if monitor_nginx (-20) fails on node1"))
    assert "MASTER node1" in tie
    assert "equal to node2's 100" in tie
    assert any("the VIP stays on node1 while monitor_nginx fails there" in t for t in text)
    assert text[-1] == "Cluster whole: yes"


def test_whatif_view_says_when_the_cluster_is_not_whole() -> None:
    state = fold(initial_state("lab-sample", [("node1", "203.0.113.11"),
                                              ("node2", "203.0.113.12")]),
                 lab_facts(until="2026-11-25T15:32:28", phase="split"))
    text = _plain(whatif_view(view_of(state)))
    start = text.index("Cluster whole: no")
    (why,) = text[start + 1:]  # said once: the split brain, as the banner says it
    assert why.startswith("  split brain on VI_CLUSTER (VRID 51)")
    assert "the VIP is on node1, node2" in why


def test_whatif_view_without_priorities() -> None:
    assert _plain(whatif_view(view_of(initial_state("x", [("a", "192.0.2.1")])))) == [
        "no VRRP instance yet"
    ]


ENTRIES = [
    {"id": "old", "phase": "started", "time": "2026-11-25T10:00:00+00:00", "cluster": "c",
     "node": "node1", "action": "stop nginx", "command": "systemctl stop nginx"},
    {"id": "a1", "phase": "started", "time": "2026-11-25T16:00:00+00:00", "cluster": "c",
     "node": "node1", "action": "stop nginx", "command": "systemctl stop nginx"},
    {"id": "a1", "phase": "completed", "time": "2026-11-25T16:00:01+00:00", "cluster": "c",
     "node": "node1", "result": "ok", "exit_status": 0, "duration_s": 0.21},
    {"id": "a2", "phase": "started", "time": "2026-11-25T16:01:00+00:00", "cluster": "c",
     "node": "node2", "action": "start keepalived", "command": "systemctl start keepalived"},
    {"id": "a2", "phase": "completed", "time": "2026-11-25T16:01:31+00:00", "cluster": "c",
     "node": "node2", "result": "unknown", "exit_status": None, "duration_s": 30.0},
    {"id": "a3", "phase": "refused", "time": "2026-11-25T16:02:00+00:00", "cluster": "c",
     "node": "node2", "command": "systemctl stop nginx", "reason": "read-only"},
    {"id": "a4", "phase": "started", "time": "2026-11-25T16:03:00+00:00", "cluster": "other",
     "node": "x", "command": "systemctl stop nginx"},
    {"id": "a5", "phase": "started", "time": "not a time", "cluster": "c"},
]


def test_command_log_lines_this_session_only() -> None:
    from datetime import datetime

    since = datetime.fromisoformat("2026-11-25T15:00:00+00:00").timestamp()
    lines = _plain(command_lines(session_entries(ENTRIES, "c", since)))
    assert len(lines) == 3
    assert lines[0].endswith("node1      $ systemctl stop nginx  exit 0 · 0.21 s")
    assert lines[1].endswith("node2      $ systemctl start keepalived  exit ? · 30.0 s")
    assert lines[2].endswith("$ systemctl stop nginx  refused: read-only")
    roles = [line[-1][1] for line in command_lines(session_entries(ENTRIES, "c", since))]
    assert roles == ["healthy", "anomaly", "anomaly"]


def test_command_log_empty() -> None:
    assert _plain(command_lines([])) == ["no command has run in this session"]


async def test_keys_show_whatif_and_the_commands_an_action_ran(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        assert app.main.query_one("#panes", ContentSwitcher).current == "whatif"
        assert "if monitor_nginx (-20) fails on node1" in doc_text(app, "whatif")
        await pilot.press("o")
        assert "no command has run in this session" in doc_text(app, "commands")
        await pilot.press("escape", "a", "1", "y")
        await until(pilot, lambda: "exit 0" in doc_text(app, "commands"))
        text = doc_text(app, "commands")
        assert "node1" in text
        assert "$ systemctl stop nginx" in text
        assert SECRET not in text
    assert runner(app, "node1").commands == ["systemctl stop nginx"]


def test_the_state_diagram_carries_the_cause_chain(data_dir: Path) -> None:
    from kaconsole.core.facts import ServiceObserved, ServiceState
    from kaconsole.core.insight.anomalies import summarize
    from kaconsole.ui.present.diagram import diagram
    from tests.kits.facts import lab_facts as recorded

    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    for fact in recorded(data_dir):
        state = fold(state, [fact])
        if state.transitions and state.transitions[-1].cause == "priority_zero":
            break
    state = fold(state, [ServiceObserved("node1", "nginx", ServiceState.STOPPED,
                                         state.clock or 0.0)])
    text = diagram(view_of(state), summarize(state, "VI_CLUSTER")).last_text
    assert text.startswith("last: node2 BACKUP → MASTER at ")
    assert ("(priority_zero): nginx is stopped on node1 (service poll) -> its track script "
            "stopped keepalived -> node1 sent priority 0 -> took over after the skew") in text


_value = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
          | st.lists(st.integers(), max_size=2) | st.datetimes().map(lambda d: d.isoformat()))
_entry = st.dictionaries(
    st.sampled_from(["id", "phase", "time", "cluster", "node", "command", "result",
                     "exit_status", "duration_s", "reason", "audit_error"]),
    _value | st.sampled_from(["started", "completed", "refused", "2026-11-25T16:00:00+00:00"]),
    max_size=10,
)


@given(st.lists(_entry, max_size=6))
def test_any_audit_entries_render_without_error(entries: list[dict[str, object]]) -> None:
    lines = command_lines(session_entries(entries, "c", 0.0))
    assert lines
    assert all(isinstance(text, str) for line in lines for text, _ in line)
