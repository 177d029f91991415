"""The advert matrix: who hears whom, and which node a split brain's VRRP firewall is on."""

from __future__ import annotations

from kaconsole.core.events import LogKind
from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.insight.matrix import advert_matrix
from kaconsole.core.state.model import ClusterState
from kaconsole.core.state.reduce import fold
from tests.kits.facts import ADDR, addrs, advert, entered, log, started_pair


def _deaf(deaf: str, loud: str, deaf_prio: int, loud_prio: int) -> ClusterState:
    """Both nodes MASTER; both capture both; only `loud` logs the other's (lower) adverts."""
    state = fold(started_pair(), [entered("node2", 8, "MASTER"), addrs("node2", 8.1, True)])
    facts = []
    for k in range(6):
        t = 10 + k
        for n in ("node1", "node2"):
            facts.append(advert(n, t, deaf, deaf_prio))
            facts.append(advert(n, t + 0.1, loud, loud_prio))
        facts.append(
            log(loud, t + 0.1, LogKind.ADVERT_LOWER, peer=ADDR[deaf], priority=deaf_prio,
                ours=loud_prio)
        )
    return fold(state, facts)


def _split(state: ClusterState) -> tuple[str, str]:
    (a,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
    return a.extra["likely_cause"], a.message


def test_node2_dropping_names_node2_not_node1() -> None:
    # node1 (120) rightly stays MASTER over node2's lower 100 and logs it; node2 never logs 120
    state = _deaf("node2", "node1", 100, 120)
    m = advert_matrix(state, "VI_1")
    assert m is not None
    c12 = m.cell("node1", "node2")
    c21 = m.cell("node2", "node1")
    assert c12 is not None
    assert c21 is not None
    assert (c12.priority, c12.rate, c12.received) == (100, "ok", True)
    assert (c21.priority, c21.rate, c21.received) == (120, "ok", False)
    assert [b.node for b in m.blocked] == ["node2"]
    assert m.losses == (
        "node1 hears node2; node2 does not hear node1: look at node2's input filter for "
        "protocol 112",
    )
    cause, message = _split(state)
    assert cause == "vrrp_blocked"
    assert "VRRP is dropped on node2 (firewall)" in message
    assert "dropped on node1" not in message


def test_node1_dropping_with_node2_higher_names_node1() -> None:
    # node1 drained to 70 and deaf: node2 (100) took over; node1 never logs node2's adverts
    state = _deaf("node1", "node2", 70, 100)
    m = advert_matrix(state, "VI_1")
    assert m is not None
    assert [b.node for b in m.blocked] == ["node1"]
    assert m.losses == (
        "node2 hears node1; node1 does not hear node2: look at node1's input filter for "
        "protocol 112",
    )
    cause, message = _split(state)
    assert (cause, "VRRP is dropped on node1 (firewall)" in message) == ("vrrp_blocked", True)


def test_healthy_pair_has_a_matrix_and_no_loss() -> None:
    state = started_pair()
    m = advert_matrix(state, "VI_1")
    assert m is not None
    assert m.listeners == ("node1", "node2")
    c = m.cell("node2", "node1")
    assert c is not None
    assert (c.rate, c.received) == ("ok", None)  # a BACKUP logs nothing
    assert (m.losses, m.blocked) == ((), ())


def test_wrong_rate_and_silence() -> None:
    state = fold(started_pair(), [advert("node2", 7, "node1", 120)])  # 1 s ... then 0.1 s
    state = fold(state, [advert("node2", 7.1, "node1", 120)])
    m = advert_matrix(state, "VI_1")
    assert m is not None
    c = m.cell("node2", "node1")
    assert c is not None
    assert c.rate == "wrong"
    later = fold(state, [addrs("node1", 20, True)])
    m = advert_matrix(later, "VI_1")
    assert m is not None
    c = m.cell("node2", "node1")
    assert c is not None
    assert c.rate == "silent"
    assert m.losses == ()


def test_output_drop_reads_as_never_reaching_the_wire() -> None:
    # node2 keeps capturing nothing of node1 while node1's own capture has its adverts
    state = fold(started_pair(), [advert("node2", 3, "node2", 100)])
    state = fold(state, [advert("node1", 20 + k, "node1", 120) for k in range(3)])
    state = fold(state, [advert("node2", 22, "node2", 100)])
    m = advert_matrix(state, "VI_1")
    assert m is not None
    assert any(
        w.startswith("node2 does not hear node1: node1's adverts (192.0.2.11) never reach")
        for w in m.losses
    ), m.losses


def test_unicast_peer_missing_the_listener_is_named() -> None:
    from kaconsole.core.conf.parse import parse_config
    from kaconsole.core.facts import ConfigObserved
    from tests.kits.facts import unicast_conf as _conf

    state = fold(started_pair(), [
        ConfigObserved.of("node1", parse_config(_conf("192.0.2.99", "192.0.2.11")), 6.5),
        ConfigObserved.of("node2", parse_config(_conf("192.0.2.11", "192.0.2.12")), 6.5),
        advert("node1", 12, "node1", 120),
    ])
    m = advert_matrix(state, "VI_1")
    assert m is not None
    assert "node2 does not hear node1: node1's unicast_peer (192.0.2.99) does not list node2" in (
        m.losses
    )
