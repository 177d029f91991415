"""Advert decoding on the real keepalived 2.2.7 captures (tests/data/pcap/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaconsole.core.events import Advert
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream

PCAP_DIR = Path(__file__).parents[3] / "data" / "pcap"
V4_VIPS = ("192.0.2.100", "192.0.2.101")


def adverts(name: str) -> list[Advert]:
    out = []
    for record in PcapStream().feed((PCAP_DIR / name).read_bytes()):
        item = decode(record)
        assert isinstance(item, Advert), item
        out.append(item)
    return out


def sources(items: list[Advert]) -> list[tuple[str, int]]:
    return [(a.src, a.priority) for a in items]


@pytest.mark.parametrize("name", sorted(p.name for p in PCAP_DIR.glob("*.pcap*")))
def test_real_adverts_have_no_problems(name: str) -> None:
    items = adverts(name)
    assert items
    for a in items:
        assert a.problems == ()
        assert a.ttl == 255
        assert a.vrid == 51
    # keepalived stops at the end of every sample run: the last advert resigns
    assert items[-1].priority == 0


def test_v2_pass() -> None:
    items = adverts("v2_pass.pcap")
    a = items[0]
    assert (a.version, a.src, a.dst) == (2, "192.0.2.11", "224.0.0.18")
    assert (a.priority, a.advert_int) == (120, 1.0)
    assert a.auth_type == "simple"
    assert a.addresses == V4_VIPS
    assert a.auth_fingerprint is not None
    assert {x.auth_fingerprint for x in items} == {a.auth_fingerprint}
    assert a.to_json() == {
        "ts": 1795621141.944072,
        "src": "192.0.2.11",
        "dst": "224.0.0.18",
        "version": 2,
        "vrid": 51,
        "priority": 120,
        "advert_int": 1.0,
        "auth_type": "simple",
        "addresses": list(V4_VIPS),
        "ttl": 255,
    }


def test_pass_password_is_never_kept() -> None:
    raw = (PCAP_DIR / "v2_pass.pcap").read_bytes()
    assert b"s3cretPW" in raw  # the capture really carries it
    for a in adverts("v2_pass.pcap"):
        for text in (repr(a), json.dumps(a.to_json()), str(a.auth_fingerprint)):
            assert "s3cretPW" not in text
            assert b"s3cretPW".hex() not in text


def test_v2_inside_ipsec_ah() -> None:
    for name in ("v2_ah_ns.pcap", "v2_ah_ns.pcapng"):
        items = adverts(name)
        assert {(a.version, a.auth_type, a.addresses) for a in items} == {(2, "ah", V4_VIPS)}
        assert all(a.auth_fingerprint is None for a in items)


def test_v3_ipv4_centiseconds_over_sll2() -> None:
    items = adverts("v3_ipv4_sll2.pcapng")
    assert {(a.version, a.advert_int, a.auth_type, a.addresses) for a in items} == {
        (3, 0.5, "none", ("192.0.2.100",))
    }
    assert [a.ts for a in items] == [a.ts for a in adverts("v3_ipv4_sll2.pcap")]


def test_v3_ipv6_over_sll() -> None:
    items = adverts("v3_ipv6_sll.pcap")
    a = items[0]
    assert a.version == 3
    assert a.src.startswith("fe80::")
    assert a.dst == "ff02::12"
    assert a.addresses == ("2001:db8::100",)
    assert a.advert_int == 1.0


def test_unicast() -> None:
    assert {(a.src, a.dst) for a in adverts("v2_unicast.pcap")} == {("192.0.2.11", "192.0.2.12")}


def test_priority_zero_then_backup_takes_over() -> None:
    assert sources(adverts("v2_prio0_stop.pcap")) == [
        ("192.0.2.11", 120),
        ("192.0.2.11", 0),
        ("192.0.2.12", 100),
        ("192.0.2.12", 100),
        ("192.0.2.12", 100),
        ("192.0.2.12", 0),
    ]
    items = adverts("v2_prio0_stop.pcap")
    takeover = items[2].ts - items[1].ts
    assert 0.4 < takeover < 1.0  # the skew at priority 100: (256 - 100) / 256 = 0.61 s


def test_split_brain_two_sources_at_once() -> None:
    items = adverts("v2_split_brain.pcap")
    live = [a for a in items if a.priority]
    assert {a.src for a in live} == {"192.0.2.11", "192.0.2.12"}
    assert {a.vrid for a in live} == {51}


def test_password_mismatch_shows_as_two_fingerprints() -> None:
    raw = (PCAP_DIR / "v2_pass_mismatch.pcap").read_bytes()
    assert b"s3cretPW" in raw
    assert b"otherPW1" in raw
    by_source = {(a.src, a.auth_fingerprint) for a in adverts("v2_pass_mismatch.pcap")}
    assert {src for src, _ in by_source} == {"192.0.2.11", "192.0.2.12"}
    assert len({fp for _, fp in by_source}) == 2  # one per node: the passwords differ
