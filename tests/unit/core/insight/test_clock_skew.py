"""Clock skew between nodes beyond a second is itself an anomaly; under a second it is silent."""

from __future__ import annotations

from datetime import UTC, datetime

from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.insight.snapshot import snapshot_json
from tests.kits.clocks import settled


def test_skew_beyond_a_second_is_shown_naming_the_nodes() -> None:
    state = settled({"node1": 0.0, "node2": 3.2})
    (skew,) = [a for a in find_anomalies(state) if a.kind == "clock_skew"]
    assert skew.message.startswith("clock skew: node2 is 3.2 s ahead of node1;")
    assert skew.nodes == ("node2", "node1")
    assert skew.extra == {"seconds": 3.2}


def test_skew_under_a_second_is_silent() -> None:
    state = settled({"node1": 0.0, "node2": 0.6})
    assert [a for a in find_anomalies(state) if a.kind == "clock_skew"] == []


def test_the_same_delay_on_every_line_is_no_skew() -> None:
    state = settled({"node1": 0.0, "node2": 0.0}, delay=1.5)
    assert [a for a in find_anomalies(state) if a.kind == "clock_skew"] == []


def test_a_node_behind_is_named_too_and_status_reports_it() -> None:
    state = settled({"node1": -4.0, "node2": 0.0})
    doc = snapshot_json(state, datetime(2026, 11, 24, 16, 14, tzinfo=UTC))
    (skew,) = [a for a in doc["anomalies"] if a["kind"] == "clock_skew"]
    assert skew["message"].startswith("clock skew: node2 is 4.0 s ahead of node1")


def test_an_action_explains_a_stop_logged_by_a_node_behind_the_console() -> None:
    """node1's clock is 3 s behind: its STOP, stamped before the action, came after it."""
    from kaconsole.core.events import LogKind
    from kaconsole.core.insight.explain import OperatorAction, why_stopped
    from kaconsole.core.state.reduce import fold
    from tests.kits.clocks import line
    from tests.kits.facts import at

    state = settled({"node1": -3.0, "node2": 0.0})
    state = fold(state, [line("node1", 20.4, -3.0, 0.05, LogKind.STATE, state="STOP")])
    stop = state.transitions[-1]
    assert stop.at is not None
    assert stop.at < at(20)  # what node1's clock said
    chain = why_stopped(state, stop, (OperatorAction("node1", "stop nginx", at(20)),))
    assert chain[0] == "operator ran `stop nginx` on node1 (audit log)"
    # and an action on the other node explains nothing
    chain = why_stopped(state, stop, (OperatorAction("node2", "stop nginx", at(20)),))
    assert not chain[0].startswith("operator ran")
