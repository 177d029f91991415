"""Failover time, client outage and the new MASTER's first advert from recorded samples."""

from __future__ import annotations

from kaconsole.core.events import Advert
from kaconsole.core.facts import AdvertSeen, ProbeResult
from kaconsole.drills.measure import Sample, measure, outage

T = 1000.0
URL = "http://192.0.2.100/"


def probe(at: float, body: str | None, duration: float = 0.01) -> ProbeResult:
    if body is None:
        return ProbeResult(URL, False, T + at, duration, None, "", "timed out")
    return ProbeResult(URL, True, T + at, duration, 200, body)


def test_outage_is_the_longest_run_of_failed_probes() -> None:
    probes = [probe(0, "a"), probe(0.1, None), probe(0.2, None), probe(0.3, "a"),
              probe(0.4, None), probe(0.5, "b")]
    assert outage(probes) == 0.2
    assert outage([probe(0, "a")]) == 0.0
    assert outage([probe(0, None, 0.5), probe(0.1, None, 0.5)]) == 0.6  # still failing at the end
    assert outage([]) == 0.0


def test_failover_from_the_trigger_to_the_new_master_answering() -> None:
    failing = [probe(x / 10, None) for x in range(1, 9)]
    probes = [probe(-0.1, "node1"), probe(0.0, "node1"), *failing,
              probe(0.9, "node1"), probe(1.0, "node2", 0.02), probe(1.1, "node2")]
    samples = [Sample(T - 5, ("node1",), ("node1",)), Sample(T + 0.7, (), ("node1",)),
               Sample(T + 0.8, ("node2",), ("node2",))]
    adv = Advert(T + 0.75, "192.0.2.12", "224.0.0.18", 2, 51, 100, 1.0, "none", (), 255)
    zero = Advert(T + 0.05, "192.0.2.11", "224.0.0.18", 2, 51, 0, 1.0, "none", (), 255)
    m = measure(trigger_at=T, old_master="node1", samples=samples, probes=probes,
                adverts=[AdvertSeen("node1", zero), AdvertSeen("node1", adv)],
                addresses={"node1": frozenset({"192.0.2.11"}), "node2": frozenset({"192.0.2.12"})},
                nodes=["node1", "node2"])
    assert (m.old_master, m.new_master, m.failover_basis) == ("node1", "node2", "http")
    assert m.failover_seconds == 1.02  # node1's last answer at 0.9 does not count
    assert m.client_outage_seconds == 0.8
    assert m.new_master_at_seconds == 0.8
    assert m.first_advert_seconds == 0.75
    assert (m.probes, m.failed_probes) == (13, 8)


def test_without_names_in_the_body_the_vip_move_is_the_basis() -> None:
    probes = [probe(0.1, None), probe(0.5, "ok"), probe(0.6, "ok")]
    samples = [Sample(T + 0.4, ("node2",), ("node2",))]
    m = measure(trigger_at=T, old_master="node1", samples=samples, probes=probes, adverts=[],
                addresses={}, nodes=["node1", "node2"])
    assert (m.failover_seconds, m.failover_basis) == (0.51, "vip")
    assert m.first_advert_seconds is None
    bare = measure(trigger_at=T, old_master="node1", samples=samples, probes=None, adverts=[],
                   addresses={}, nodes=["node1", "node2"])
    assert (bare.failover_seconds, bare.client_outage_seconds) == (0.4, None)


def test_no_trigger_or_no_new_master_measures_no_failover() -> None:
    samples = [Sample(T, ("node1",), ("node1",))]
    none = measure(trigger_at=None, old_master=None, samples=samples, probes=[probe(0, "x")],
                   adverts=[], addresses={}, nodes=["node1"])
    assert (none.failover_seconds, none.client_outage_seconds) == (None, 0.0)
    stuck = measure(trigger_at=T, old_master="node1", samples=samples, probes=[], adverts=[],
                    addresses={}, nodes=["node1"])
    assert (stuck.new_master, stuck.failover_seconds) == (None, None)


def test_clients_caught_up_when_every_neighbour_resolves_the_vip_to_the_new_master() -> None:
    samples = [Sample(T - 5, ("node1",), ("node1",), ("node1",)),
               Sample(T + 0.8, ("node2",), ("node2",), ("node1",)),  # a cache still on node1
               Sample(T + 1.5, ("node2",), ("node2",), ("node1", "node2")),
               Sample(T + 2.5, ("node2",), ("node2",), ("node2",))]
    m = measure(trigger_at=T, old_master="node1", samples=samples, probes=None, adverts=[],
                addresses={}, nodes=["node1", "node2"])
    assert m.clients_caught_up_seconds == 2.5
    stale = measure(trigger_at=T, old_master="node1", samples=samples[:3], probes=None,
                    adverts=[], addresses={}, nodes=["node1", "node2"])
    assert stale.clients_caught_up_seconds is None  # never caught up: said as unknown, not 0


def test_the_timeline_is_what_the_chart_draws_relative_to_the_trigger() -> None:
    probes = [probe(0.3, "a"), probe(-0.1, "a"), probe(0.1, None), probe(0.2, None, 0.5)]
    m = measure(trigger_at=T, old_master="node1", samples=[], probes=probes, adverts=[],
                addresses={}, nodes=["node1"])
    t = m.timeline
    assert t is not None
    assert t.origin == "trigger"
    assert t.probes == ((-0.1, True, 0.01), (0.1, False, 0.01), (0.2, False, 0.5),
                        (0.3, True, 0.01))  # in the order sent
    assert t.outage == (0.1, 0.3)
    assert m.client_outage_seconds == 0.2  # the same span the chart shades
    untriggered = measure(trigger_at=None, old_master=None, samples=[], probes=probes[:2],
                          adverts=[], addresses={}, nodes=["node1"]).timeline
    assert untriggered is not None
    assert (untriggered.origin, untriggered.probes[0][0], untriggered.outage) == (
        "first probe", 0.0, None)
    for none in (None, []):
        assert measure(trigger_at=T, old_master=None, samples=[], probes=none, adverts=[],
                       addresses={}, nodes=[]).timeline is None
