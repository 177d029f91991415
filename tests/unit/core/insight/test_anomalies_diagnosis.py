"""Split-brain and heal diagnosis: each likely cause from its own evidence, recorded or built.

The auth mismatch is the lab capture (tests/data/logs/console-auth-*.log): both nodes MASTER,
keepalived logging `received an invalid passwd!`. The others are the reference pair of
test_state.py with one piece of evidence added.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import Advert, LogKind
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ConfigObserved,
    LogSeen,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.insight.heal import heal_findings
from kaconsole.core.polls.addresses import parse_ip_addr
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream
from tests.kits.facts import (
    ADDR,
    addrs,
    advert,
    entered,
    lab_facts,
    log,
    started_pair,
    unicast_conf,
)
from tests.kits.facts import console_facts as _console


def _split(state: ClusterState) -> dict[str, object]:
    (a,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
    return {"cause": a.extra["likely_cause"], "message": a.message}


def test_auth_mismatch_from_keepalived_log(data_dir: Path) -> None:
    state = initial_state("auth", [("a", "192.0.2.11"), ("b", "192.0.2.12")])
    for fact in _console(data_dir, "auth", "ab"):
        state = fold(state, [fact])
        if summarize(state, "VI_CLUSTER").masters == ("a", "b") and any(
            f.kind is LogKind.AUTH_ERROR for n in state.nodes for i in n.instances
            for f in i.evidence
        ):
            break
    else:
        raise AssertionError("the capture never shows both MASTER with an auth error")
    split = _split(state)
    assert split["cause"] == "auth_mismatch"
    assert "invalid passwd" in str(split["message"])


def test_both_master_without_evidence_is_unknown() -> None:
    # long after node1's last captured advert: nothing shows why
    state = fold(started_pair(), [entered("node2", 20, "MASTER")])
    assert _split(state)["cause"] == "unknown"




def _unicast(conf1: str, conf2: str) -> ClusterState:
    state = fold(started_pair(), [entered("node2", 20, "MASTER")])
    return fold(state, [
        ConfigObserved.of("node1", parse_config(conf1), 20.5),
        ConfigObserved.of("node2", parse_config(conf2), 20.5),
    ])


def test_unicast_peer_that_does_not_list_the_other_node() -> None:
    state = _unicast(unicast_conf("192.0.2.99", "192.0.2.11"),
                     unicast_conf("192.0.2.11", "192.0.2.12"))
    split = _split(state)
    assert split["cause"] == "unicast_mismatch"
    assert "node1's unicast_peer (192.0.2.99) does not list node2's address" in str(
        split["message"]
    )


def test_unicast_against_multicast() -> None:
    state = _unicast(unicast_conf("192.0.2.12", "192.0.2.11"), unicast_conf(None, None))
    assert _split(state)["cause"] == "unicast_mismatch"


def test_matching_unicast_peers_are_not_blamed() -> None:
    state = _unicast(unicast_conf("192.0.2.12", "192.0.2.11"),
                     unicast_conf("192.0.2.11", "192.0.2.12"))
    assert _split(state)["cause"] == "unknown"


def test_cpu_starvation_from_timer_expired() -> None:
    state = fold(started_pair(), [
        entered("node2", 10, "MASTER"),
        log("node2", 10.2, LogKind.OTHER, None, tag="timer_expired", seconds=4.2),
    ])
    assert _split(state)["cause"] == "cpu_starvation"


def _killed() -> ClusterState:
    """node1 MASTER is SIGKILLed: no log line, its VIP stays; node2 times out and takes over."""
    return fold(started_pair(), [
        ServiceObserved("node1", "keepalived", ServiceState.STOPPED, 10),
        entered("node2", 13.7, "MASTER"),
        addrs("node2", 13.8, True),
        addrs("node1", 13.8, True),
        *[advert(n, 14 + k, "node2", 100) for k in range(3) for n in ("node1", "node2")],
    ])


def test_vip_left_by_a_killed_keepalived_is_flagged() -> None:
    state = _killed()
    found = {a.kind: a for a in find_anomalies(state)}
    left = found["vip_on_non_master"]
    assert left.nodes == ("node1",)
    assert left.extra["likely_cause"] == "keepalived_killed"
    assert "not an election: the VIP was left on node1" in found["split_brain"].message
    # the poll saw keepalived gone, but nothing resigned: node2 timed out, no priority 0
    takeover = next(t for t in state.transitions if t.node == "node2" and t.cause != "startup")
    assert takeover.cause == "advert_timeout"
    assert takeover.detail.startswith("no advert from node1 for 7.70 s")  # named, not its IP
    kinds = [a.kind for a in heal_findings(state)]
    assert "vip_left_behind" in kinds
    assert "vip_holders" in kinds


def test_healed_pair_has_no_findings_and_garp_is_checked() -> None:
    state = started_pair()
    assert heal_findings(state) == []
    garp = log("node1", 3.8, LogKind.GARP, None, address="192.0.2.100", interface="eth1")
    assert isinstance(garp, LogSeen)
    assert heal_findings(state, [garp]) == []
    kinds = [a.kind for a in heal_findings(state, [])]
    assert kinds == ["no_garp"]


def test_state_disagreeing_with_the_wire() -> None:
    # node1 claims BACKUP but its adverts are on the wire; node2 claims MASTER, heard by nobody
    state = fold(started_pair(), [
        entered("node1", 10, "BACKUP"),
        entered("node2", 10, "MASTER"),
        *[advert(n, 10.5 + k, "node1", 120) for k in range(3) for n in ("node1", "node2")],
    ])
    msgs = [a.message for a in heal_findings(state) if a.kind == "state_wire_mismatch"]
    assert msgs == [
        f"adverts for VI_1 come from node1 ({ADDR['node1']}), which claims BACKUP",
        "node2 claims MASTER of VI_1 but no capture sees its adverts",
    ]


def test_a_master_silent_soon_after_startup_is_a_timeout_not_the_startup_election() -> None:
    facts = [
        log("node2", 0, LogKind.DAEMON, None, action="start"),
        entered("node2", 0.1, "BACKUP"),
        *[advert("node2", 0.5 + k, "node1", 120) for k in range(3)],
        entered("node2", 6.2, "MASTER"),  # within the startup window, 3.7 s after the last
    ]
    state = fold(started_pair(), [ServiceObserved("node1", "keepalived", ServiceState.STOPPED, 0)])
    state = fold(state, facts)
    takeover = state.transitions[-1]
    assert (takeover.node, takeover.cause) == ("node2", "advert_timeout")


def test_the_labs_captured_split_brain_is_vrrp_blocked(data_dir: Path) -> None:
    """The lab run's split brain (node2 deaf to VRRP): logs, node2's capture, `ip addr`."""
    lab = data_dir / "lab"
    end = datetime.fromisoformat("2026-11-25T15:32:28").timestamp()
    facts = [f for f in lab_facts(data_dir) if not isinstance(f, LogSeen)
             or (f.event.ts is not None and f.event.ts.timestamp() <= end)]
    records = PcapStream().feed((lab / "adverts.pcap").read_bytes())
    adverts = [a for a in map(decode, records) if isinstance(a, Advert) and a.ts <= end]
    state = fold(initial_state("lab", [("node1", "203.0.113.11"), ("node2", "203.0.113.12")]),
                 sorted([*facts, *(AdvertSeen("node2", a) for a in adverts)], key=_when))
    state = fold(state, [
        AddressesObserved(n, parse_ip_addr((lab / f"ip-addr-splitbrain-{n}.json").read_text()),
                          end)
        for n in ("node1", "node2")
    ])
    split = _split(state)
    assert split["cause"] == "vrrp_blocked"
    assert "VRRP is dropped on node2 (firewall)" in str(split["message"])


def _when(fact: object) -> float:
    if isinstance(fact, AdvertSeen):
        return fact.advert.ts
    if isinstance(fact, LogSeen) and fact.event.ts is not None:
        return fact.event.ts.timestamp()
    return 0.0


def test_another_vip_list_on_our_vrid_is_a_collision() -> None:
    state = fold(started_pair(), [
        entered("node2", 20, "MASTER"),
        log("node2", 19.5, LogKind.OTHER, tag="vip_mismatch"),
    ])
    split = _split(state)
    assert split["cause"] == "vrid_collision"
    assert "node2 receives adverts for VRID 51 with another VIP list" in str(split["message"])
