"""Stale neighbours (issue 18): the parser of `ip -j neigh`/arping output, on samples from the lab,
and the `stale_neighbour` anomaly both ways (raised with its cause, silent when it matches)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import (
    CONSOLE_HOST,
    AddressesObserved,
    ConfigObserved,
    DumpInstance,
    DumpObserved,
    Fact,
    InstanceSpec,
    LogSeen,
    NeighbourObserved,
)
from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.logs.parse import LogParser
from kaconsole.core.polls.addresses import PollError, parse_ip_addr, parse_ip_addr_macs
from kaconsole.core.polls.neighbours import Neighbour, parse_neighbour
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold

VIP = "198.18.2.100"
NODE1_MAC, NODE2_MAC = "1e:a1:69:cb:b3:69", "ae:fa:5f:73:de:67"
GARP_LINE = "Sun Nov 29 23:18:28 2026: (VI_CLUSTER) Sending gratuitous ARP on eth1 for " + VIP


def _sample(data_dir: Path, name: str) -> str:
    return (data_dir / "neigh" / name).read_text()


def test_host_cache_samples(data_dir: Path) -> None:
    assert parse_neighbour(_sample(data_dir, "host-node1-reachable.json"), VIP) == Neighbour(
        NODE1_MAC, "REACHABLE")
    assert parse_neighbour(_sample(data_dir, "host-node2-delay.json"), VIP) == Neighbour(
        NODE2_MAC, "DELAY")
    assert parse_neighbour(_sample(data_dir, "host-failed.json"), VIP) == Neighbour(None, "FAILED")
    assert parse_neighbour("[]\n", VIP) == Neighbour(None, "NONE")


def test_an_empty_cache_falls_back_to_the_arping_reply(data_dir: Path) -> None:
    assert parse_neighbour(_sample(data_dir, "node2-arping.txt"), VIP) == Neighbour(
        NODE1_MAC, "ARPING")
    silent = "@@neigh\n[]\n@@arping\nARPING 198.18.2.100 from 198.18.2.12 eth1\n"
    assert parse_neighbour(silent, VIP) == Neighbour(None, "NONE")


def test_macs_of_addresses_skip_loopback(data_dir: Path) -> None:
    text = _sample(data_dir, "node1-ip-addr.json")
    macs = parse_ip_addr_macs(text)
    assert macs[VIP] == NODE1_MAC
    assert "127.0.0.1" not in macs
    assert set(macs) <= parse_ip_addr(text)


@pytest.mark.parametrize("text", ['Object "neigh" is unknown', "{}", "[", "7"])
def test_not_neigh_json_is_a_poll_error(text: str) -> None:
    with pytest.raises(PollError):
        parse_neighbour(text, VIP)


_macs = st.lists(st.integers(0, 255), min_size=6, max_size=6).map(
    lambda b: ":".join(f"{x:02x}" for x in b))
_states = st.sampled_from(["REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT"])


@given(st.lists(st.tuples(st.sampled_from([VIP, "198.18.2.1"]), _macs, _states), max_size=4))
def test_the_vips_entry_is_found_among_others(entries: list[tuple[str, str, str]]) -> None:
    doc = [{"dst": d, "dev": "eth1", "lladdr": m.upper(), "state": [s]} for d, m, s in entries]
    first = next(((m, s) for d, m, s in entries if d == VIP), None)
    found = parse_neighbour(json.dumps(doc), VIP)
    assert found == (Neighbour(*first) if first else Neighbour(None, "NONE"))


@given(st.text())
def test_any_text_gives_an_answer_or_a_poll_error(text: str) -> None:
    with contextlib.suppress(PollError):
        found = parse_neighbour(text, VIP)
        assert found.mac is None or len(found.mac) == 17


# --- the anomaly -------------------------------------------------------------------------------


GARP = LogParser().feed(GARP_LINE)
assert GARP is not None
assert GARP.ts is not None
#: node1 became MASTER, and logged its GARP, at this second.
T0 = GARP.ts.timestamp()


def _state(data_dir: Path, *extra: Fact, garp: bool = True) -> ClusterState:
    """node1 MASTER since T0, node2 BACKUP, with the lab's addresses and MACs."""
    t0 = T0
    spec = InstanceSpec("VI_CLUSTER", 51, 120, vips=(VIP,))
    facts: list[Fact] = []
    for name, prio in (("node1", 120), ("node2", 100)):
        text = _sample(data_dir, f"{name}-ip-addr.json")
        facts += [
            ConfigObserved(name, (InstanceSpec("VI_CLUSTER", 51, prio, vips=(VIP,)),), t0 - 60),
            AddressesObserved(name, parse_ip_addr(text), t0, parse_ip_addr_macs(text)),
            DumpObserved(name, (DumpInstance(spec.name, VrrpState.MASTER if prio == 120
                                             else VrrpState.BACKUP),), t0),
        ]
    if garp:
        assert GARP is not None
        facts.append(LogSeen("node1", GARP))
    return fold(initial_state("lab", [("node1", "h1"), ("node2", "h2")]), [*facts, *extra])


def _stale(state: ClusterState) -> list[dict[str, object]]:
    return [a.to_json() for a in find_anomalies(state) if a.kind == "stale_neighbour"]


def test_a_host_still_on_node2s_mac_after_node1_sent_garps(data_dir: Path) -> None:
    mac = parse_neighbour(_sample(data_dir, "host-node2-delay.json"), VIP)
    state = _state(data_dir, NeighbourObserved(CONSOLE_HOST, VIP, mac.mac, mac.state, T0 + 5))
    (stale,) = _stale(state)
    assert stale["nodes"] == ["node1", "node2"]
    assert (stale["observer"], stale["answered_by"], stale["likely_cause"]) == (
        "console", "node2", "garp_not_received")
    assert (stale["mac"], stale["expected_mac"]) == (NODE2_MAC, NODE1_MAC)
    assert "console resolves 198.18.2.100 to ae:fa:5f:73:de:67 (node2)" in str(stale["message"])
    (inst,) = snapshot_json(state, datetime.now(UTC))["instances"]
    assert inst["neighbours"][0]["current"] is False


def test_no_garp_logged_since_the_transition_is_garp_not_sent(data_dir: Path) -> None:
    state = _state(data_dir, NeighbourObserved("node2", VIP, NODE2_MAC, "STALE", T0 + 5),
                   garp=False)
    (stale,) = _stale(state)
    assert stale["likely_cause"] == "garp_not_sent"
    assert stale["nodes"] == ["node1", "node2"]


def test_a_static_entry_ignores_garps(data_dir: Path) -> None:
    state = _state(data_dir, NeighbourObserved(CONSOLE_HOST, VIP, NODE2_MAC, "PERMANENT", T0))
    assert [s["likely_cause"] for s in _stale(state)] == ["garp_ignored"]


def test_silent_when_the_answer_matches_or_predates_the_transition(data_dir: Path) -> None:
    mac = parse_neighbour(_sample(data_dir, "host-node1-reachable.json"), VIP)
    for obs in (
        NeighbourObserved(CONSOLE_HOST, VIP, mac.mac, mac.state, T0 + 5),
        NeighbourObserved(CONSOLE_HOST, VIP, NODE2_MAC, "REACHABLE", T0 - 10),
        NeighbourObserved("node2", VIP, None, "NONE", T0 + 5),
    ):
        state = _state(data_dir, obs)
        assert _stale(state) == []
