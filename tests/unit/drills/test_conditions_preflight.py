"""Roles, preflight and wait conditions on cluster states folded from facts."""

from __future__ import annotations

from kaconsole.drills.conditions import check
from kaconsole.drills.model import Condition
from kaconsole.drills.preflight import (
    expected_timers,
    pick_instance,
    preflight,
    resolve_roles,
    settled,
)
from tests.kits.drillstate import ADDR, cluster, healthy


def test_roles_on_a_healthy_pair() -> None:
    state = healthy()
    assert pick_instance(state, None) == "VI_1"
    assert pick_instance(state, "VI_9") is None
    assert settled(state, "VI_1")
    assert resolve_roles(state, "VI_1") == {
        "master": "node1", "backup": "node2", "preferred": "node1", "home": "node1"}
    assert preflight(state, "VI_1") == []


def test_after_the_reference_failure_the_failed_node_is_named() -> None:
    state = cluster({"node1": "STOP", "node2": "MASTER"}, vip=("node2",), adverts=("node2",),
                    stopped={"node1": ("nginx", "keepalived")})
    roles = resolve_roles(state, "VI_1")
    assert roles == {"master": "node2", "failed": "node1", "preferred": "node1"}
    problems = preflight(state, "VI_1")
    assert problems[0].startswith("no healthy BACKUP of VI_1 would take over")
    assert any("service_down" in p for p in problems)


def test_a_split_brain_refuses_a_failover_drill_and_names_no_master() -> None:
    state = cluster({"node1": "MASTER", "node2": "MASTER"}, vip=("node1", "node2"),
                    adverts=("node1", "node2"))
    assert "master" not in resolve_roles(state, "VI_1")
    problems = preflight(state, "VI_1")
    assert problems[0] == "VI_1 needs exactly one MASTER to fail over; MASTER now: node1, node2"
    assert any(p.startswith("anomaly split_brain") for p in problems)


def test_a_node_whose_keepalived_has_not_said_its_state_is_not_settled() -> None:
    state = cluster({"node1": "UNKNOWN", "node2": "BACKUP"})
    assert not settled(state, "VI_1")


def test_conditions_with_their_evidence() -> None:
    state = healthy()
    verdict = check((Condition("master", "node1"), Condition("vip_on", "node1")), state, "VI_1")
    assert verdict.ok
    assert verdict.evidence == ("MASTER of VI_1: node1 (node1 MASTER, node2 BACKUP); "
                                "192.0.2.100 on node1")
    assert not check((Condition("master", "node2"),), state, "VI_1").ok
    service = Condition("service", "node1", service="nginx", state="stopped")
    assert check((service,), state, "VI_1").evidence == "nginx on node1: running"
    assert not check((service,), state, "VI_1").ok
    assert check((Condition("single_master"),), state, "VI_1").ok
    assert check((Condition("no_anomaly"),), state, "VI_1").evidence == "no anomaly"


def test_single_master_fails_on_two_advert_sources_and_says_so() -> None:
    state = cluster({"node1": "MASTER", "node2": "MASTER"}, vip=("node1", "node2"),
                    adverts=("node1", "node2"))
    verdict = check((Condition("single_master"),), state, "VI_1")
    assert not verdict.ok
    assert verdict.evidence == (
        f"MASTER: node1, node2; VIP on node1, node2; adverts for VRID 51 from "
        f"{ADDR['node1']}, {ADDR['node2']}")
    assert not check((Condition("no_anomaly"),), state, "VI_1").ok


def test_no_anomaly_can_ignore_kinds() -> None:
    state = cluster({"node1": "MASTER", "node2": "BACKUP"}, stopped={"node2": ("nginx",)})
    assert not check((Condition("no_anomaly"),), state, "VI_1").ok
    assert check((Condition("no_anomaly", ignore=("service_down",)),), state, "VI_1").ok


def test_expected_timers_of_the_node_that_takes_over() -> None:
    timers = expected_timers(healthy(), "VI_1", "node2")
    assert timers == {"master_down": 3.609, "skew": 0.609}
    assert expected_timers(healthy(), "VI_1", None) == {}


def test_clock_skew_does_not_hold_a_drill_back() -> None:
    """Skewed clocks mislead the logs, not VRRP: a failover drill may run, and says nothing."""
    from dataclasses import replace

    from kaconsole.core.insight.anomalies import find_anomalies
    from kaconsole.core.state.clock import ClockOffset

    state = healthy()
    nodes = tuple(replace(n, clock_offset=ClockOffset(-4.0 if n.name == "node2" else 0.0,
                                                       None, 0.0, False)) for n in state.nodes)
    state = replace(state, nodes=nodes)
    assert [a.kind for a in find_anomalies(state)] == ["clock_skew"]
    assert preflight(state, "VI_1") == []
    assert check((Condition("no_anomaly"),), state, "VI_1").ok
