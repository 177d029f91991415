"""One source of truth: the banner, the diagram's verdict, the what-if's "cluster whole", the
header and the timeline's causes all word the same ClusterView, for any state the reducer makes."""

from __future__ import annotations

from hypothesis import given, settings

from kaconsole.core.facts import Fact
from kaconsole.core.insight.explain import OperatorAction
from kaconsole.core.insight.view import ClusterView, view_of
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from kaconsole.ui.present.diagram import diagram_lines, diagrams
from kaconsole.ui.present.explain import whatif_view
from kaconsole.ui.present.journal import Journal
from kaconsole.ui.present.nodes import banner, header_lines
from tests.kits.facts import lab_facts as recorded
from tests.kits.strategies import fact_sequences as facts


def _flat(lines: list[list[tuple[str, str]]]) -> list[str]:
    return ["".join(t for t, _ in line) for line in lines]


def _whole_word(view: ClusterView) -> str | None:
    for line in _flat(whatif_view(view)):
        if line.startswith("Cluster whole: "):
            return line.removeprefix("Cluster whole: ")
    return None


def _assert_agree(view: ClusterView) -> None:
    text, _ = banner(view)
    quiet = text == "✔ no anomalies"
    whole = _whole_word(view)
    if whole is not None:
        assert (whole == "yes") == quiet, (whole, text)
        assert whole.startswith("not yet") == (bool(view.electing) and not view.problems)
    for d in diagrams(view):
        said = _flat(diagram_lines(d))[-2]
        if "DISAGREES" in said:
            assert not quiet
            assert whole != "yes"
        if "electing" in said:
            assert "ELECTING" in text
            assert whole != "yes"
        if quiet:
            assert d.verdict.status in ("agrees", "unknown")
    header = _flat(header_lines(view))
    for s, line in zip(view.summaries, header[1:], strict=True):
        assert f"MASTER {', '.join(s.masters) or 'none'}" in line
        v = view.verdict(s.name)
        assert v is not None
        assert v.actual == s.masters


@settings(max_examples=300, deadline=None)
@given(facts)
def test_banner_diagram_whatif_and_header_never_contradict(sequence: list[Fact]) -> None:
    state = fold(initial_state("c", [("n1", "h1"), ("n2", "h2"), ("n3", "h3")]), sequence)
    _assert_agree(view_of(state))


def test_the_first_election_reads_as_electing_everywhere(data_dir: object) -> None:
    """Right after keepalived starts no one is MASTER yet: that is an election, not a fault."""
    from pathlib import Path

    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    seen_electing = False
    for fact in recorded(Path(str(data_dir))):
        state = fold(state, [fact])
        view = view_of(state)
        _assert_agree(view)
        if view.electing:
            seen_electing = True
            text, loud = banner(view)
            assert "◌ ELECTING (MASTER-DOWN" in text
            assert "no anomalies" not in text
            assert not loud
            assert _whole_word(view).startswith("not yet: VI_CLUSTER electing (master-down")
    assert seen_electing


def test_the_timeline_and_the_diagram_give_one_cause(data_dir: object) -> None:
    """The operator's audited action starts the chain in both, not the service poll in one."""
    from pathlib import Path

    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    journal = Journal()
    for fact in recorded(Path(str(data_dir))):
        state = fold(state, [fact])
        if state.transitions and state.transitions[-1].cause == "priority_zero":
            break
    stop = next(t for t in state.transitions if t.node == "node1" and t.to_state.value == "STOP")
    assert stop.at is not None
    view = view_of(state, (OperatorAction("node1", "stop nginx", stop.at - 2.0),))
    entries = journal.observe(view)
    takeover = [e for e in entries if "priority_zero" in e.text][-1]
    (d,) = diagrams(view)
    cause = view.cause(d.last) if d.last else None
    assert cause is not None
    assert "operator ran `stop nginx`" in cause.detail
    assert cause.detail in takeover.text
    assert cause.detail in d.last_text


def _stopped(seconds_later: float) -> ClusterView:
    """node1 logged STOP `seconds_later` s after the steady state; `ip addr` still lists the VIP."""
    from datetime import UTC, datetime

    from kaconsole.core.events import LogEvent, LogKind
    from kaconsole.core.facts import LogSeen
    from tests.kits.ui import lab_facts, monitor_with

    state = monitor_with(lab_facts()).state
    assert state.clock is not None
    at = datetime.fromtimestamp(state.clock, UTC).replace(tzinfo=None)
    stop = LogEvent(LogKind.STATE, "(VI_CLUSTER) Entering STOP STATE", at, None, None,
                    "VI_CLUSTER", None, {"state": "STOP"})
    state = fold(state, [LogSeen("node1", stop)])
    if seconds_later:
        from kaconsole.core.facts import Reachability

        state = fold(state, [Reachability("node2", True, state.clock + seconds_later)])
    return view_of(state)


def test_a_stop_row_shows_no_stale_vip() -> None:
    from kaconsole.ui.present.nodes import node_rows

    text = node_rows(_stopped(0.0))[0].cells[4][0]
    assert "STOP" in text
    assert "VIP" not in text


def test_a_vip_really_left_behind_is_shown_on_the_stop_row() -> None:
    from kaconsole.ui.present.nodes import node_rows

    view = _stopped(30.0)  # past the settle: the VIP is still there, an anomaly says so
    assert any(a.kind == "vip_on_non_master" for a in view.anomalies)
    assert node_rows(view)[0].cells[4][0].endswith("VIP LEFT")
