"""Cause chains on the lab's recorded runs: each cause, and what started it.

The reference failure (tests/data/lab) is explained back to its start: nginx stopped (the service
poll) or an operator's audited action -> keepalived stopped -> priority 0 -> the BACKUP took over
after its skew. The console captures (tests/data/logs) give the tie, the weight change, the
split brain's heal and FAULT.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.events import LogKind
from kaconsole.core.facts import Fact, LogSeen, ServiceObserved, ServiceState
from kaconsole.core.insight.explain import OperatorAction, explain, operator_actions
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.logs.parse import parse_lines
from kaconsole.core.state.model import ClusterState, Transition, initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.facts import advert, console_facts, entered, lab_facts, log, started_pair

NODES = [("node1", "198.51.100.11"), ("node2", "198.51.100.12")]


def _until_failover(data_dir: Path, extra: list[Fact]) -> tuple[ClusterState, Transition]:
    """Fold the lab run up to node2's takeover after node1's stop, `extra` facts first."""
    state = fold(initial_state("lab", NODES), extra)
    for fact in lab_facts(data_dir):
        state = fold(state, [fact])
        tr = state.transitions[-1] if state.transitions else None
        if tr is not None and tr.node == "node2" and tr.cause == "priority_zero":
            return state, tr
    raise AssertionError("no priority_zero takeover in the lab run")


def _stop_time(data_dir: Path) -> float:
    lines = (data_dir / "lab" / "node1-keepalived.log").read_text().splitlines()
    stop = next(e for e in parse_lines(lines) if e.text == "Stopping")
    assert stop.ts is not None
    return stop.ts.timestamp()


def test_reference_failure_chain_from_the_service_poll(data_dir: Path) -> None:
    state, tr = _until_failover(data_dir, [])
    # The service poll reports nginx stopped after keepalived already resigned: the chain is
    # built when shown, so it still names it.
    state = fold(state, [ServiceObserved("node1", "nginx", ServiceState.STOPPED, tr.at or 0.0)])
    why = explain(state, tr)
    assert why.cause == "priority_zero"
    assert why.chain[:3] == (
        "nginx is stopped on node1 (service poll)",
        "its track script stopped keepalived",
        "node1 sent priority 0",
    )
    assert why.chain[3].startswith("took over after the skew")
    assert "expected 0.61 s at priority 100" in why.chain[3]
    assert why.detail == " -> ".join(why.chain)


def test_reference_failure_chain_names_the_operator(data_dir: Path) -> None:
    state, tr = _until_failover(data_dir, [])
    action = OperatorAction("node1", "stop nginx", _stop_time(data_dir) - 3, "systemctl stop nginx")
    why = explain(state, tr, [action])
    assert why.chain[:2] == (
        "operator ran `stop nginx` on node1 (audit log)",
        "its track script stopped keepalived",
    )
    # an action on the other node, or long before, explains nothing
    other = OperatorAction("node2", "stop nginx", action.at)
    old = OperatorAction("node1", "stop nginx", action.at - 600)
    assert "unknown" in explain(state, tr, [other, old]).chain[0]


def test_reference_failure_without_evidence_says_unknown(data_dir: Path) -> None:
    state, tr = _until_failover(data_dir, [])
    why = explain(state, tr)
    assert why.chain[0].startswith("why keepalived left MASTER on node1: unknown")
    assert why.chain[1] == "node1 sent priority 0"
    # the known part first, the unknown upstream after it
    assert why.detail.startswith("node1 sent priority 0 (keepalived stopping); took over")
    assert why.detail.endswith("(why keepalived left MASTER on node1: unknown (no script result, "
                               "no service down, no audited action))")


def test_status_json_carries_the_chain(data_dir: Path) -> None:
    state, tr = _until_failover(data_dir, [])
    state = fold(state, [ServiceObserved("node1", "nginx", ServiceState.STOPPED, tr.at or 0.0)])
    snap = snapshot_json(state, datetime(2026, 11, 25, tzinfo=UTC))
    last = snap["instances"][0]["last_transition"]
    assert last["cause"] == "priority_zero"
    assert last["node"] == "node2"
    assert last["chain"][0] == "nginx is stopped on node1 (service poll)"
    assert "node1 sent priority 0 -> took over after the skew" in last["detail"]


def test_the_stop_itself_carries_its_upstream(data_dir: Path) -> None:
    state, _ = _until_failover(data_dir, [])
    stop = next(t for t in state.transitions if t.node == "node1" and t.cause == "stopped")
    action = OperatorAction("node1", "stop keepalived", (stop.at or 0) - 1)
    why = explain(state, stop, [action])
    assert why.chain == ("operator ran `stop keepalived` on node1 (audit log)", "Stopping")




def _run(data_dir: Path, scenario: str, nodes: str) -> ClusterState:
    start = initial_state(scenario, [(n, f"192.0.2.{11 + i}") for i, n in enumerate(nodes)])
    return fold(start, console_facts(data_dir, scenario, nodes))


def test_weight_drop_below_the_peer_is_script_failed(data_dir: Path) -> None:
    state = _run(data_dir, "weight", "ab")
    tr = next(t for t in state.transitions if t.cause == "script_failed")
    assert (tr.node, tr.from_state.value, tr.to_state.value) == ("a", "MASTER", "BACKUP")
    assert tr.detail == "chk_weight failed: priority 120 -> 90; 192.0.2.12 advertises 100, higher"


def test_weight_drop_to_a_tie_moves_nothing(data_dir: Path) -> None:
    state = fold(initial_state("tie", [("a", "192.0.2.11"), ("b", "192.0.2.12")]), [])
    moved_after_drop: list[Transition] = []
    dropped = None
    for fact in console_facts(data_dir, "tie", "ab"):
        assert isinstance(fact, LogSeen)
        if dropped and fact.event.kind.value in ("daemon", "sent_zero", "advert_zero"):
            break  # the capture ends by stopping both nodes
        before = len(state.transitions)
        state = fold(state, [fact])
        if fact.event.kind.value == "priority" and not dropped:
            dropped = fact.event.ts
        if dropped:
            moved_after_drop.extend(state.transitions[before:])
    assert dropped is not None
    assert moved_after_drop == []  # 120 -> 100 against 100: the VIP stays on a
    a = state.node("a")
    assert a is not None
    assert a.instances[0].state.value == "MASTER"


def test_split_brain_heal_by_the_higher_address(data_dir: Path) -> None:
    state = _run(data_dir, "splitbrain", "abc")
    tr = next(t for t in state.transitions if t.node == "a" and t.from_state.value == "MASTER")
    assert tr.cause == "preempted"
    assert "same priority 100 and a higher IP address" in tr.detail


def test_fault_and_leaving_it(data_dir: Path) -> None:
    state = _run(data_dir, "splitbrain", "abc")
    causes = [(t.from_state.value, t.to_state.value, t.cause) for t in state.transitions
              if t.node == "b"]
    assert ("MASTER", "FAULT", "fault") in causes
    assert ("FAULT", "BACKUP", "unknown") in causes


def test_operator_actions_from_audit_entries() -> None:
    entries = [
        {"phase": "started", "time": "2026-11-25T15:32:12+00:00", "node": "node1",
         "action": "stop nginx", "command": "systemctl stop nginx"},
        {"phase": "completed", "time": "2026-11-25T15:32:13+00:00", "node": "node1",
         "action": "stop nginx"},
        {"phase": "started", "time": "yesterday", "node": "node1", "action": "stop nginx"},
        {"phase": "started", "node": 3},
    ]
    acts = operator_actions(entries)
    assert acts == (
        OperatorAction("node1", "stop nginx", datetime(2026, 11, 25, 15, 32, 12, tzinfo=UTC)
                       .timestamp(), "systemctl stop nginx"),
    )


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=10,
)


_field = _json | st.just("started") | st.datetimes().map(lambda d: d.isoformat())
_keys = st.sampled_from(["phase", "time", "node", "action", "command"])


@given(st.lists(st.dictionaries(_keys, _field, max_size=5), max_size=5))
def test_operator_actions_never_raise(entries: list[dict[str, object]]) -> None:
    for act in operator_actions(entries):
        assert isinstance(act.node, str)
        assert isinstance(act.at, float)


def test_a_preempting_backup_that_logs_a_timeout_is_preempted() -> None:
    # node1 restarts under node2 (MASTER, 100), ignores its lower adverts, times out, preempts;
    # sub-second times (as the demo and -g logs have): the timeout is logged after the advert
    state = fold(started_pair(), [
        log("node1", 10, LogKind.DAEMON, None, action="stop"),
        entered("node2", 10.6, "MASTER"),
        log("node1", 20, LogKind.DAEMON, None, action="start"),
        entered("node1", 20.1, "BACKUP"),
        *[advert("node1", 20.3 + k, "node2", 100) for k in range(3)],
        log("node1", 22.3, LogKind.ADVERT_LOWER, peer="192.0.2.12", priority=100),
        log("node1", 23.8, LogKind.ADVERT_TIMEOUT),
        entered("node1", 23.8, "MASTER"),
    ])
    tr = state.transitions[-1]
    assert (tr.node, tr.cause) == ("node1", "preempted")


def test_an_operator_action_before_a_fault() -> None:
    state = fold(started_pair(), [entered("node1", 10, "FAULT")])
    fault = state.transitions[-1]
    action = OperatorAction("node1", "stop nginx", (fault.at or 0) - 2)
    assert explain(state, fault, [action]).chain == (
        "operator ran `stop nginx` on node1 (audit log)",
        "its track script failed (weight 0: FAULT)",
        fault.detail,
    )
