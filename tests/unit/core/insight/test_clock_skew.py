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
