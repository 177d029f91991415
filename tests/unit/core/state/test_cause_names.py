"""A cause names the peer by its node when the inventory's `ip addr` knows the address, and keeps
the address when no node has it (a foreign router on the segment)."""

from __future__ import annotations

import pytest

from kaconsole.core.events import LogKind
from kaconsole.core.facts import AddressesObserved, ConfigObserved, Fact
from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.facts import SPECS, advert, at, entered, log

NODES = [("node1", "198.18.1.11"), ("node2", "198.18.1.12")]
NODE1 = "198.18.2.11"
FOREIGN = "198.18.2.99"


def _pair() -> list[Fact]:
    return [
        *(ConfigObserved(n, (SPECS[n],), at(0)) for n in ("node1", "node2")),
        AddressesObserved("node1", frozenset({NODE1}), at(0)),
        AddressesObserved("node2", frozenset({"198.18.2.12"}), at(0)),
    ]


def _takeover(peer: str, kind: LogKind, **fields: object) -> ClusterState:
    facts = [
        *_pair(),
        entered("node2", 1, "BACKUP"),
        log("node2", 20, kind, peer=peer, **fields),
        entered("node2", 20.6, "MASTER"),
    ]
    return fold(initial_state("lab", NODES), facts)


@pytest.mark.parametrize(("peer", "named"), [(NODE1, "node1"), (FOREIGN, FOREIGN)])
def test_a_priority_zero_takeover_names_the_node(peer: str, named: str) -> None:
    tr = _takeover(peer, LogKind.ADVERT_ZERO).transitions[-1]
    assert tr.cause == "priority_zero"
    assert tr.detail.startswith(f"{named} sent priority 0;")


@pytest.mark.parametrize(("peer", "named"), [(NODE1, "node1"), (FOREIGN, FOREIGN)])
def test_a_preemption_names_the_node(peer: str, named: str) -> None:
    tr = _takeover(peer, LogKind.ADVERT_LOWER, priority=90).transitions[-1]
    assert tr.cause == "preempted"
    assert tr.detail.startswith(f"took over from {named} (priority 90)")


@pytest.mark.parametrize(("peer", "named"), [(NODE1, "node1"), (FOREIGN, FOREIGN)])
def test_a_demotion_names_the_node(peer: str, named: str) -> None:
    facts = [
        *_pair(),
        entered("node2", 1, "MASTER"),
        log("node2", 20, LogKind.ADVERT_HIGHER, peer=peer, priority=120, ours=100),
        entered("node2", 20.1, "BACKUP"),
    ]
    tr = fold(initial_state("lab", NODES), facts).transitions[-1]
    assert tr.detail == f"{named} advertises higher priority 120 (ours 100)"


def test_split_brain_names_the_sending_nodes_and_keeps_a_foreign_address() -> None:
    from tests.kits.facts import ADDR

    facts = [
        *_pair(),
        AddressesObserved("node1", frozenset({ADDR["node1"]}), at(0)),
        advert("node1", 5, "node1", 120),
        advert("node1", 5.2, "node2", 100),
    ]
    state = fold(initial_state("lab", NODES), facts)
    (split,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
    assert f"come from node1, {ADDR['node2']}" in split.message
