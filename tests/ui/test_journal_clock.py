"""The console's timeline on one clock: an effect is never listed before its cause, whatever the
nodes' clocks say, and the Markdown gives the console's time with the node's own beside it."""

from __future__ import annotations

from kaconsole.core.events import LogKind
from kaconsole.core.facts import Fact, ServiceObserved, ServiceState
from kaconsole.core.insight.timeline import Entry
from kaconsole.core.insight.view import view_of
from kaconsole.core.state.model import ClusterState
from kaconsole.core.state.reduce import reduce
from kaconsole.ui.present.common import clock_text
from kaconsole.ui.present.journal import Journal
from tests.kits.clocks import line, settled
from tests.kits.facts import at

BEHIND = {"node1": -3.0, "node2": 0.0}  # node1's clock reads 3 s earlier than the console's


def _feed(journal: Journal, state: ClusterState, facts: list[Fact]) -> ClusterState:
    """As the monitor does: one view per fact, each observed by the journal (and the first)."""
    journal.observe(view_of(state))
    for fact in facts:
        state = reduce(state, fact)
        journal.observe(view_of(state))
    return state


def _stop_and_takeover(delay2: float = 0.05) -> list[Fact]:
    """The operator's stop at 20 s: node1 stops at 20.4, node2 takes over at 21.03, the poll
    sees nginx stopped at 21.5 (node2's line delayed by `delay2`)."""
    return [
        line("node1", 20.4, BEHIND["node1"], 0.05, LogKind.STATE, state="STOP"),
        line("node2", 21.03, BEHIND["node2"], delay2, LogKind.STATE, state="MASTER"),
        ServiceObserved("node1", "nginx", ServiceState.STOPPED, at(21.5)),
    ]


def _what(entries: list[Entry]) -> list[str]:
    """The action and what it caused, in the journal's order."""
    kinds = {"confirmed", "stop", "master", "service_down"}
    return [f"{e.source}:{e.node}:{e.kind}" for e in entries
            if e.kind in kinds and e.at is not None and e.at >= at(20)]


def test_the_operator_action_comes_before_what_it_caused_on_a_node_behind() -> None:
    journal = Journal()
    state = _feed(journal, settled(BEHIND), [])
    journal.action(at(20), "node1", "confirmed", "stop nginx on node1: confirmed, running")
    _feed(journal, state, _stop_and_takeover())
    entries = journal.entries
    assert _what(entries) == [
        "operator:node1:confirmed", "state:node1:stop", "state:node2:master",
        "anomaly:node1:service_down",
    ]
    stop = next(e for e in entries if e.kind == "stop")
    assert stop.stamped_by == "node1"
    assert stop.stamped is not None
    assert abs(stop.stamped - (at(20.4) - 3.0)) < 1e-3  # what node1's clock said
    assert at(20.4) <= stop.at <= at(20.45)  # the console's time of it
    times = [e.at for e in entries if e.at is not None]
    assert times == sorted(times)


def test_a_line_that_arrives_late_is_put_in_its_place() -> None:
    journal = Journal()
    state = _feed(journal, settled(BEHIND), [])
    journal.action(at(20), "node1", "confirmed", "stop nginx on node1: confirmed, running")
    stop, takeover, poll = _stop_and_takeover(delay2=3.0)
    state = _feed(journal, state, [stop, poll])  # node2's line is still on its way
    assert not journal.reordered
    _feed(journal, state, [takeover])
    assert journal.reordered
    assert _what(journal.entries) == [
        "operator:node1:confirmed", "state:node1:stop", "state:node2:master",
        "anomaly:node1:service_down",
    ]


def test_skewed_nodes_are_ordered_by_the_console_clock_and_the_skew_is_journalled() -> None:
    ahead = {"node1": 3.2, "node2": 0.0}
    journal = Journal()
    state = _feed(journal, settled(ahead), [])
    assert any(e.kind == "clock_skew" and "node1 is 3.2 s ahead of node2" in e.text
               for e in journal.entries)
    # node1 stops (its clock says 23.6), then node2 takes over (its clock says 21.03)
    _feed(journal, state, [
        line("node1", 20.4, ahead["node1"], 0.05, LogKind.STATE, state="STOP"),
        line("node2", 21.03, ahead["node2"], 0.05, LogKind.STATE, state="MASTER"),
    ])
    late = [e for e in journal.entries if e.source == "state" and e.at and e.at >= at(20)]
    assert [(e.node, e.kind) for e in late] == [("node1", "stop"), ("node2", "master")]
    assert late[0].stamped is not None
    assert late[1].stamped is not None
    assert late[0].stamped > late[1].stamped  # the nodes' own clocks say the opposite


def test_no_skew_no_skew_entry() -> None:
    journal = Journal()
    _feed(journal, settled({"node1": 0.0, "node2": 0.4}), [])
    assert not any(e.kind == "clock_skew" for e in journal.entries)


def test_markdown_gives_the_console_time_and_the_node_own() -> None:
    journal = Journal()
    state = _feed(journal, settled(BEHIND), [])
    _feed(journal, state, _stop_and_takeover()[:1])
    md = journal.to_markdown("lab")
    stop = next(e for e in journal.entries if e.kind == "stop")
    assert stop.stamped is not None
    assert "| time | node's clock | source | node | what |" in md
    assert f"| {clock_text(stop.at)} | {clock_text(stop.stamped)} | state | node1 |" in md
    journal.action(at(30), "node1", "done", "stop nginx on node1: done")
    assert f"| {clock_text(at(30))} | - | operator | node1 |" in journal.to_markdown("lab")


def test_the_detail_of_a_logged_transition_says_whose_clock_its_time_reads() -> None:
    from kaconsole.ui.present.detail import transition_detail

    state = reduce(settled(BEHIND), _stop_and_takeover()[0])
    stop = state.transitions[-1]
    head = "".join(text for text, _ in transition_detail(state, stop, (), (), ())[0])
    assert f"at {clock_text(stop.at)} on node1's clock" in head
