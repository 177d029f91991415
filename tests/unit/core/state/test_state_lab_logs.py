"""The reducer on the lab's real keepalived logs: the reference failure, recovery, split brain.

Both nodes' logs (tests/data/lab, captured from keepalived 2.2.7) go through the log parser and
the reducer in time order, as the console would see them live.
"""

from __future__ import annotations

from pathlib import Path

from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.facts import folded, lab_facts


def test_transitions_and_causes_of_the_whole_run(data_dir: Path) -> None:
    state, _ = folded(data_dir)
    masters = [(t.node, t.cause) for t in state.transitions if t.to_state.value == "MASTER"]
    # startup election, reference failure (node1's script stops keepalived: priority 0),
    # recovery (node1 preempts), then the split brain (node2 deaf to VRRP times out).
    assert masters[:3] == [
        ("node1", "startup"),
        ("node2", "priority_zero"),
        ("node1", "preempted"),
    ]
    assert ("node2", "advert_timeout") in masters[3:]
    demoted = [(t.node, t.cause) for t in state.transitions if t.from_state.value == "MASTER"]
    assert ("node1", "stopped") in demoted
    assert ("node2", "preempted") in demoted


def test_failure_point_in_the_run(data_dir: Path) -> None:
    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    for fact in lab_facts(data_dir):
        state = fold(state, [fact])
        s = summarize(state, "VI_CLUSTER")
        if s.master == "node2" and state.node("node1").instance("VI_CLUSTER").state.value == "STOP":  # type: ignore[union-attr]
            break
    else:
        raise AssertionError("the run never reached node2 MASTER with node1 stopped")
    assert summarize(state, "VI_CLUSTER").masters == ("node2",)
    assert not any(a.kind == "split_brain" for a in find_anomalies(state))


def test_split_brain_is_seen_from_the_logs(data_dir: Path) -> None:
    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    seen = False
    for fact in lab_facts(data_dir):
        state = fold(state, [fact])
        if summarize(state, "VI_CLUSTER").masters == ("node1", "node2"):
            seen = True
            kinds = {a.kind for a in find_anomalies(state)}
            assert "split_brain" in kinds
            break
    assert seen
