"""A cluster's digest (what its fleet row shows): equal while nothing shown changes, so adverts
and polls wake no fleet reader; different as soon as a MASTER, a holder, a node or an anomaly
does."""

from __future__ import annotations

from kaconsole.core.facts import Reachability
from kaconsole.core.insight.digest import InstanceDigest, digest_of
from kaconsole.core.state.reduce import fold
from tests.kits.facts import addrs, advert, at, entered, started_pair


def test_a_settled_pair_and_more_of_the_same_adverts_digest_alike() -> None:
    state = started_pair()
    digest = digest_of(state, 0)
    (inst,) = digest.instances
    assert inst == InstanceDigest("VI_1", ("node1",), ("node1",), inst.last_transition)
    assert inst.last_transition is not None
    assert inst.last_transition.node == "node1"
    assert (digest.nodes_up, digest.nodes, digest.anomalies, digest.findings) == (2, 2, (), 0)
    later = fold(state, [advert(n, 8 + k, "node1", 120) for k in range(3)
                         for n in ("node1", "node2")])
    assert later is not state
    assert digest_of(later, 0) == digest


def test_an_unreachable_node_and_a_second_master_change_the_digest() -> None:
    state = started_pair()
    down = fold(state, [Reachability("node2", False, at(9), "connection refused")])
    assert digest_of(down).nodes_up == 1
    assert ("unreachable", None) in digest_of(down).anomalies
    split = fold(state, [entered("node2", 9, "MASTER"), addrs("node2", 9.1, True)])
    (inst,) = digest_of(split).instances
    assert inst.masters == ("node1", "node2")
    assert ("split_brain", "VI_1") in digest_of(split).anomalies
    assert digest_of(state, 2) != digest_of(state, None)
