"""The reducer on the reference sequences: election, failure, recovery, split brain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import LogKind, VrrpState
from kaconsole.core.facts import (
    ConfigObserved,
    DumpInstance,
    DumpObserved,
    Fact,
    InstanceSpec,
    ProbeResult,
    Reachability,
    ServiceObserved,
    ServiceState,
    instance_specs,
)
from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold, reduce
from tests.kits.facts import ADDR, T0, VIP, addrs, advert, at, entered, log, started_pair


def test_startup_election_node1_master_with_vip_and_no_anomaly() -> None:
    state = started_pair()
    s = summarize(state, "VI_1")
    assert s.master == "node1"
    assert s.vip_holders == ("node1",)
    assert s.advert_sources == (ADDR["node1"],)
    assert not s.split_brain
    assert find_anomalies(state) == []
    assert s.last_transition is not None
    assert (s.last_transition.node, s.last_transition.cause) == ("node1", "startup")


def test_reference_failure_script_stops_keepalived_backup_takes_over() -> None:
    state = started_pair()
    state = fold(
        state,
        [
            ServiceObserved("node1", "nginx", ServiceState.STOPPED, at(10)),
            log("node1", 11, LogKind.DAEMON, None, action="stop"),
            advert("node2", 11.01, "node1", 0),
            entered("node2", 11.62, "MASTER"),
            addrs("node1", 12, False),
            addrs("node2", 12, True),
            ServiceObserved("node1", "keepalived", ServiceState.STOPPED, at(12)),
        ]
        + [advert("node2", 12 + k, "node2", 100) for k in range(5)],
    )
    s = summarize(state, "VI_1")
    assert s.master == "node2"
    assert s.vip_holders == ("node2",)
    assert s.advert_sources == (ADDR["node2"],)
    tr = s.last_transition
    assert tr is not None
    assert (tr.node, tr.to_state, tr.cause) == ("node2", VrrpState.MASTER, "priority_zero")
    assert "node1" in tr.detail
    assert "0.62 s" in tr.detail
    node1 = state.node("node1")
    assert node1 is not None
    assert node1.instance("VI_1").state is VrrpState.STOP  # type: ignore[union-attr]
    kinds = sorted(a.kind for a in find_anomalies(state))
    assert kinds == ["service_down", "service_down"]


def test_recovery_preempts_back_to_node1() -> None:
    state = after_failure()
    state = fold(
        state,
        [
            ServiceObserved("node1", "nginx", ServiceState.RUNNING, at(20)),
            ServiceObserved("node1", "keepalived", ServiceState.RUNNING, at(21)),
            log("node1", 21, LogKind.DAEMON, None, action="start"),
            entered("node1", 21.1, "BACKUP"),
            log("node1", 22, LogKind.ADVERT_LOWER, peer=ADDR["node2"], priority=100),
            log("node2", 24.7, LogKind.ADVERT_HIGHER, peer=ADDR["node1"], priority=120, ours=100),
            entered("node2", 24.7, "BACKUP"),
            entered("node1", 24.7, "MASTER"),
            addrs("node1", 25, True),
            addrs("node2", 25, False),
        ]
        + [advert("node2", 25 + k, "node1", 120) for k in range(5)],
    )
    s = summarize(state, "VI_1")
    assert (s.master, s.vip_holders, s.split_brain) == ("node1", ("node1",), False)
    node2 = state.node("node2")
    assert node2 is not None
    demoted = node2.instance("VI_1")
    assert demoted is not None
    assert demoted.last_transition is not None
    assert demoted.last_transition.cause == "preempted"
    assert find_anomalies(state) == []


def after_failure() -> ClusterState:
    state = started_pair()
    return fold(
        state,
        [
            ServiceObserved("node1", "nginx", ServiceState.STOPPED, at(10)),
            log("node1", 11, LogKind.DAEMON, None, action="stop"),
            entered("node2", 11.62, "MASTER"),
            addrs("node1", 12, False),
            addrs("node2", 12, True),
        ],
    )


def test_split_brain_from_each_evidence_alone() -> None:
    base = started_pair()
    both_master = reduce(base, entered("node2", 10, "MASTER"))
    assert summarize(both_master, "VI_1").split_brain
    both_vip = reduce(base, addrs("node2", 10, True))
    assert summarize(both_vip, "VI_1").split_brain
    two_sources = fold(base, [advert("node1", 6.5, "node2", 100)])
    assert summarize(two_sources, "VI_1").split_brain
    (anomaly,) = [a for a in find_anomalies(two_sources) if a.kind == "split_brain"]
    assert anomaly.instance == "VI_1"


def test_split_brain_from_firewall_is_named_vrrp_blocked() -> None:
    # node2 drops VRRP on input: its capture still sees node1's adverts, yet it claims MASTER.
    state = started_pair()
    state = fold(
        state,
        [entered("node2", 10, "MASTER"), addrs("node2", 10.1, True)]
        + [advert(n, 10.5 + k, "node1", 120) for k in range(3) for n in ("node1", "node2")]
        + [advert("node2", 10.6 + k, "node2", 100) for k in range(3)],
    )
    (anomaly,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
    assert anomaly.extra["likely_cause"] == "vrrp_blocked"
    assert set(anomaly.nodes) == {"node1", "node2"}


def test_no_master_and_vip_on_non_master() -> None:
    state = started_pair()
    state = fold(state, [entered("node1", 10, "FAULT")])
    kinds = {a.kind for a in find_anomalies(fold(state, [advert("node1", 20, "node1", 120)]))}
    assert "vip_on_non_master" in kinds
    quiet = fold(state, [addrs("node1", 30, False), advert("node2", 30, "node2", 0)])
    assert "no_master" in {a.kind for a in find_anomalies(quiet)}


def test_unreachable_node_is_reported_and_others_kept() -> None:
    state = reduce(started_pair(), Reachability("node2", False, at(9), "connection refused"))
    (anomaly,) = find_anomalies(state)
    assert anomaly.kind == "unreachable"
    assert "connection refused" in anomaly.message
    snap = snapshot_json(state, T0)
    assert [n["reachable"] for n in snap["nodes"]] == [True, False]
    assert snap["nodes"][1]["services"] == {"nginx": "unknown", "keepalived": "unknown"}
    assert snap["nodes"][1]["instances"][0]["state"] == "UNKNOWN"


def test_dump_sets_state_and_priorities() -> None:
    state = initial_state("lab", [("node1", "h1")])
    dump = DumpObserved("node1", (DumpInstance("VI_1", VrrpState.MASTER, 51, 120, 100),), at(1))
    state = reduce(state, dump)
    inst = state.node("node1").instance("VI_1")  # type: ignore[union-attr]
    assert inst is not None
    assert (inst.state, inst.base_priority, inst.effective_priority) == (VrrpState.MASTER, 120, 100)


def test_priority_change_then_demotion_is_script_failed() -> None:
    state = started_pair()
    state = fold(
        state,
        [
            log("node1", 10, LogKind.SCRIPT, None, script="chk", ok=False, status=1),
            log("node1", 10, LogKind.PRIORITY, **{"from": 120, "to": 90}),
            log("node1", 11, LogKind.ADVERT_HIGHER, peer=ADDR["node2"], priority=100, ours=90),
            entered("node1", 11, "BACKUP"),
        ],
    )
    inst = state.node("node1").instance("VI_1")  # type: ignore[union-attr]
    assert inst is not None
    assert inst.last_transition is not None
    assert inst.last_transition.cause == "script_failed"
    assert "chk failed" in inst.last_transition.detail
    assert inst.effective_priority == 90


def test_snapshot_follows_contract_shape() -> None:
    snap = snapshot_json(started_pair(), T0)
    assert set(snap) == {"cluster", "taken_at", "nodes", "instances", "anomalies"}
    node = snap["nodes"][0]
    assert node["services"] == {"nginx": "running", "keepalived": "running"}
    assert node["instances"][0] == {
        "name": "VI_1",
        "vrid": 51,
        "state": "MASTER",
        "base_priority": 120,
        "effective_priority": 120,
        "holds_vips": True,
    }
    inst = snap["instances"][0]
    assert inst["master"] == "node1"
    assert inst["vips"] == [VIP]
    assert inst["last_transition"]["cause"] == "startup"


def test_specs_from_a_parsed_config(data_dir: Path) -> None:
    text = (data_dir / "dump" / "keepalived.conf").read_text()
    (spec,) = instance_specs(parse_config(text))
    assert spec == InstanceSpec("VI_1", 51, 120, 1.0, 2, ("192.0.2.100",), False)


def test_same_facts_same_state() -> None:
    assert started_pair() == started_pair()


def _probe_failing(state: ClusterState, config_text: str | None) -> list[Any]:
    facts: list[Fact] = [ProbeResult(f"http://{VIP}/", False, at(20), 1.0, None, "", "timed out")]
    if config_text is not None:
        facts.insert(0, ConfigObserved.of("node1", parse_config(config_text), at(19)))
    return [a for a in find_anomalies(fold(state, facts)) if a.kind == "vip_unreachable"]


STRICT = """
global_defs { vrrp_strict }
vrrp_instance VI_1 {
  interface eth1
  virtual_router_id 51
  priority 120
  virtual_ipaddress { 192.0.2.100/24 }
}
"""


def test_vip_unreachable_behind_keepalived_firewall() -> None:
    (anomaly,) = _probe_failing(started_pair(), STRICT)
    assert anomaly.extra["likely_cause"] == "no_accept_firewall"
    assert anomaly.nodes == ("node1",)
    assert "accept" in anomaly.message


def test_vip_unreachable_with_service_down() -> None:
    state = reduce(started_pair(), ServiceObserved("node1", "nginx", ServiceState.STOPPED, at(18)))
    (anomaly,) = _probe_failing(state, STRICT.replace("vrrp_strict", ""))
    assert anomaly.extra["likely_cause"] == "service_down"


def test_probe_ok_is_no_anomaly() -> None:
    state = reduce(started_pair(), ProbeResult(f"http://{VIP}/", True, at(20), 0.01, 200, "node1"))
    assert find_anomalies(state) == []


def test_a_settling_election_is_not_an_anomaly() -> None:
    # node1 just stopped, node2 has not taken over yet (its skew), the VIP is still on node1
    state = fold(started_pair(), [log("node1", 11, LogKind.DAEMON, None, action="stop")])
    assert find_anomalies(state) == []
    # ... but a cluster that stays without a master is reported once the interval has passed
    later = fold(state, [ServiceObserved("node2", "nginx", ServiceState.RUNNING, at(20))])
    assert {a.kind for a in find_anomalies(later)} == {"no_master", "vip_on_non_master"}


def test_timeout_right_after_priority_zero_is_the_resignation() -> None:
    # keepalived 2.2.7 on the lab: "Backup received priority 0 advertisement", then one second
    # later "Receive advertisement timeout" and "Entering MASTER STATE".
    state = fold(
        started_pair(),
        [
            log("node2", 15, LogKind.ADVERT_ZERO, peer=None),
            log("node2", 16, LogKind.ADVERT_TIMEOUT),
            entered("node2", 16, "MASTER"),
        ],
    )
    inst = state.node("node2").instance("VI_1")  # type: ignore[union-attr]
    assert inst is not None
    assert inst.last_transition is not None
    assert inst.last_transition.cause == "priority_zero"


def test_a_takeover_long_after_startup_is_not_the_startup_election() -> None:
    # node2 started at 0 and stayed BACKUP for 6 s (> its 3.6 s master-down interval): a MASTER
    # was advertising, so a takeover at 7 s (node1 killed, no priority 0) is a timeout.
    state = fold(
        started_pair(),
        [log("node2", 7.5, LogKind.ADVERT_TIMEOUT), entered("node2", 7.5, "MASTER")],
    )
    inst = state.node("node2").instance("VI_1")  # type: ignore[union-attr]
    assert inst is not None
    assert inst.last_transition is not None
    assert inst.last_transition.cause == "advert_timeout"
