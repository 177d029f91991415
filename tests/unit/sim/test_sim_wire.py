"""The demo's pcap bytes: what the decoder and scapy (an independent reader) make of them."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st
from scapy.layers.inet import IP
from scapy.layers.l2 import Ether
from scapy.layers.vrrp import VRRP

from kaconsole.core.events import Advert
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream
from kaconsole.sim.wire import SimAdvert, checksum, ethernet_frame, pcap_header, pcap_record

MAC = bytes.fromhex("5254004b4111")
addresses = st.lists(st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n))),
                     min_size=1, max_size=20)


def test_the_checksum_is_rfc_1071() -> None:
    # RFC 1071's example words sum to ddf2 (one's complement: 220d)
    assert checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D
    assert checksum(b"\x01") == checksum(b"\x01\x00")


def test_scapy_reads_the_frame_as_vrrp_with_valid_checksums() -> None:
    advert = SimAdvert("192.168.10.11", MAC, 51, 120, 1, ("192.168.10.100",), "cluster_")
    pkt = Ether(ethernet_frame(advert, 7))
    assert pkt[Ether].dst == "01:00:5e:00:00:12"
    assert (pkt[IP].ttl, pkt[IP].proto, pkt[IP].dst, pkt[IP].tos) == (255, 112, "224.0.0.18", 0xC0)
    assert (pkt[VRRP].vrid, pkt[VRRP].priority, pkt[VRRP].addrlist) == (
        51, 120, ["192.168.10.100"])
    assert pkt[VRRP].auth1 | pkt[VRRP].auth2  # PASS data present
    ip_sum, vrrp_sum = pkt[IP].chksum, pkt[VRRP].chksum
    rebuilt = Ether(bytes(pkt.__class__(bytes(pkt))))
    del rebuilt[IP].chksum, rebuilt[VRRP].chksum
    again = Ether(bytes(rebuilt))
    assert (again[IP].chksum, again[VRRP].chksum) == (ip_sum, vrrp_sum)


@given(
    vrid=st.integers(1, 255),
    priority=st.integers(0, 255),
    advert_int=st.integers(1, 255),
    addrs=addresses,
    password=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=8),
    ts=st.floats(1e9, 4e9),
    split=st.integers(1, 200),
)
def test_every_advert_decodes_clean_from_a_chunked_stream(
    vrid: int, priority: int, advert_int: int, addrs: list[str], password: str, ts: float,
    split: int,
) -> None:
    advert = SimAdvert("192.168.10.12", MAC, vrid, priority, advert_int, tuple(addrs), password)
    data = pcap_header() + pcap_record(ts, ethernet_frame(advert, vrid))
    stream = PcapStream()
    records = stream.feed(data[:split]) + stream.feed(data[split:])
    (record,) = records
    decoded = decode(record)
    assert isinstance(decoded, Advert)
    assert decoded.problems == ()
    assert (decoded.vrid, decoded.priority, decoded.advert_int, decoded.addresses) == (
        vrid, priority, float(advert_int), tuple(addrs))
    assert decoded.auth_type == ("simple" if password else "none")
    assert abs(decoded.ts - ts) < 1e-5
