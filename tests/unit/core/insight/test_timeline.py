"""The incident timeline on the lab's real logs and capture (tests/data/lab)."""

from __future__ import annotations

from pathlib import Path

from kaconsole.commands.inputs import chunks
from kaconsole.core.events import Advert
from kaconsole.core.insight.timeline import log_entries, merge, wire_entries
from kaconsole.core.logs.parse import parse_lines
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream


def lab_adverts(data_dir: Path) -> list[Advert]:
    stream = PcapStream()
    path = str(data_dir / "lab" / "adverts.pcap")
    return [a for c in chunks(path) for r in stream.feed(c) if isinstance(a := decode(r), Advert)]


def test_reference_failover_gap_is_measured_on_the_wire(data_dir: Path) -> None:
    entries, failovers = wire_entries("node2", lab_adverts(data_dir))
    first = failovers[0]
    assert (first.old, first.new) == ("203.0.113.11", "203.0.113.12")
    assert first.resigned
    # priority 0 from node1, then node2 after its skew (0.61 s) and its first advert interval
    assert 0.5 < first.gap < 2.0
    kinds = [e.kind for e in entries]
    assert "advert_zero" in kinds
    assert "failover" in kinds


def test_adverts_collapse_to_changes(data_dir: Path) -> None:
    adverts = lab_adverts(data_dir)
    entries, _ = wire_entries("node2", adverts)
    assert len(entries) <= len(adverts) / 4


def test_merge_is_in_time_order_across_nodes(data_dir: Path) -> None:
    groups = []
    for node in ("node1", "node2"):
        lines = (data_dir / "lab" / f"{node}-keepalived.log").read_text().splitlines()
        groups.append(log_entries(node, parse_lines(lines)))
    merged = merge(*groups, wire_entries("wire", lab_adverts(data_dir))[0])
    times = [e.at for e in merged if e.at is not None]
    assert times == sorted(times)
    assert {e.node for e in merged} == {"node1", "node2", "wire"}


def test_one_source_alone_is_no_failover(data_dir: Path) -> None:
    adverts = [a for a in lab_adverts(data_dir) if a.src == "203.0.113.11"][:5]
    _, failovers = wire_entries("n", adverts)
    assert failovers == []
