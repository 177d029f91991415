"""Crafted VRRP packets (scapy): what keepalived would drop shows up in `problems`."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import CookedLinux, Dot1Q, Ether
from scapy.layers.vrrp import VRRP, VRRPv3
from scapy.packet import Packet, Raw

from kaconsole.core.events import Advert, BadPacket
from kaconsole.core.wire.advert import decode, fingerprint
from kaconsole.core.wire.pcap import Record

SRC, GROUP = "192.0.2.11", "224.0.0.18"
SRC6, GROUP6 = "fe80::1", "ff02::12"
PASSWORD = b"hunter2!"


def v2(**kw: object) -> Packet:
    fields: dict[str, object] = {"vrid": 51, "priority": 120, "addrlist": ["192.0.2.100"]}
    fields.update(kw)
    return VRRP(**fields)


def pass_v2(password: bytes = PASSWORD, **kw: object) -> Packet:
    a1, a2 = struct.unpack("!II", password)
    return v2(authtype=1, auth1=a1, auth2=a2, **kw)


def on_wire(vrrp: Packet | bytes, ttl: int = 255, dst: str = GROUP, proto: int = 112) -> bytes:
    return bytes(Ether() / IP(src=SRC, dst=dst, ttl=ttl, proto=proto) / vrrp)


def v6_frame(src: str = SRC6, hlim: int = 255) -> bytes:
    return bytes(Ether() / IPv6(src=src, dst=GROUP6, hlim=hlim) / VRRPv3(addrlist=["2001:db8::1"]))


def dec(frame: bytes, linktype: int = 1) -> Advert | BadPacket | None:
    return decode(Record(1.5, linktype, frame))


def advert(frame: bytes, linktype: int = 1) -> Advert:
    item = dec(frame, linktype)
    assert isinstance(item, Advert), item
    return item


def ah(next_header: int, payload: bytes) -> bytes:
    """An IPsec AH header (RFC 4302) with a 12-byte ICV, as keepalived builds it."""
    return bytes((next_header, 4, 0, 0)) + struct.pack("!II", 0xC000020B, 1) + bytes(12) + payload


def with_checksum(vrrp: Packet, value: int) -> bytes:
    raw = bytearray(bytes(vrrp))
    raw[6:8] = value.to_bytes(2, "big")
    return bytes(raw)


def test_clean_v2_and_v3_built_by_scapy() -> None:
    a = advert(on_wire(v2()))
    assert (a.version, a.vrid, a.priority, a.advert_int, a.auth_type) == (2, 51, 120, 1.0, "none")
    assert a.problems == ()
    b = advert(on_wire(VRRPv3(vrid=7, priority=200, adv=25, addrlist=["192.0.2.100"])))
    assert (b.version, b.vrid, b.priority, b.advert_int) == (3, 7, 200, 0.25)
    assert b.problems == ()
    c = advert(v6_frame())
    assert c.problems == ()
    assert c.addresses == ("2001:db8::1",)


def test_ttl_not_255() -> None:
    assert advert(on_wire(v2(), ttl=64)).problems == ("ttl 64, must be 255",)
    assert advert(v6_frame(hlim=1)).problems == ("hop limit 1, must be 255",)


def test_unicast_ttl_is_not_checked() -> None:
    # keepalived checks the TTL of multicast adverts only (vrrp_check_packet)
    assert advert(on_wire(v2(), ttl=64, dst="192.0.2.12")).problems == ()


def v3_msg(dst: str = GROUP) -> bytes:
    """A VRRPv3 message whose checksum scapy computed with the pseudo-header for dst."""
    return bytes((IP(src=SRC, dst=dst) / VRRPv3(addrlist=["192.0.2.100"]))[VRRPv3])


def test_bad_checksum_v2_and_v3() -> None:
    good = bytes(v2())
    assert advert(on_wire(with_checksum(v2(), good[6] ^ 0xFF))).problems == ("bad checksum",)
    msg = bytearray(v3_msg())
    msg[7] ^= 1
    assert advert(on_wire(bytes(msg))).problems == ("bad checksum",)


def test_v3_checksum_without_the_right_pseudo_header() -> None:
    # sent unicast but checksummed as if to 224.0.0.18: old keepalived's unicast checksum
    assert advert(on_wire(v3_msg(), dst="192.0.2.12")).problems == (
        "checksum over 224.0.0.18 (old keepalived unicast compatibility)",
    )
    # a v2-style checksum (over the message only, no pseudo-header) is wrong for v3
    raw = bytearray(v3_msg())
    raw[6:8] = b"\0\0"
    total = sum(struct.unpack("!6H", bytes(raw)))
    total = (total & 0xFFFF) + (total >> 16)
    raw[6:8] = (~total & 0xFFFF).to_bytes(2, "big")
    assert advert(on_wire(bytes(raw))).problems == ("bad checksum",)


def test_address_count_versus_payload() -> None:
    raw = bytearray(bytes(v2(addrlist=["192.0.2.100", "192.0.2.101"])))
    raw[3] = 3  # claims three addresses: 8 + 12 + 8 needed, 24 present
    a = advert(on_wire(bytes(raw)))
    assert "address count 3, found 2" in a.problems
    # v3 claims 2, carries 1
    raw3 = bytearray(v3_msg())
    raw3[3] = 2
    assert "address count 2, found 1" in advert(on_wire(bytes(raw3))).problems


def test_v2_missing_auth_data() -> None:
    # keepalived takes the last 8 bytes as the password, so the address is what is missing
    assert advert(on_wire(bytes(v2())[:-8])).problems == ("address count 1, found 0",)
    no_addresses = bytes(v2(addrlist=[]))
    assert advert(on_wire(no_addresses[:12])).problems == ("truncated: 12 bytes, need 16",)


def test_type_and_interval() -> None:
    assert advert(on_wire(v2(type=2))).problems == ("type 2, must be 1 (advertisement)",)
    assert advert(on_wire(v2(adv=0))).problems == ("advert_int 0",)


def test_bad_version_and_truncated_are_bad_packets() -> None:
    bad = dec(on_wire(bytes(v2())[:0] + bytes([0x41]) + bytes(v2())[1:]))
    assert bad == BadPacket(1.5, SRC, GROUP, "bad version 4")
    short = dec(on_wire(bytes(v2())[:5]))
    assert isinstance(short, BadPacket)
    assert short.error.startswith("truncated")
    assert short.to_json() == {"ts": 1.5, "src": SRC, "dst": GROUP, "error": short.error}


def test_not_vrrp_is_none() -> None:
    assert dec(bytes(Ether() / IP(src=SRC, dst="192.0.2.12") / TCP())) is None
    assert dec(bytes(Ether(type=0x0806) / Raw(b"\0" * 28))) is None
    assert dec(on_wire(ah(6, bytes(TCP())), proto=51)) is None  # AH around TCP
    assert dec(b"", 1) is None
    assert dec(on_wire(v2()), linktype=147) is None  # a link type we do not read


def test_pass_fingerprints_compare_without_revealing() -> None:
    a = advert(on_wire(pass_v2()))
    b = advert(on_wire(pass_v2(priority=100)))
    c = advert(on_wire(pass_v2(b"other!!!")))
    assert a.auth_type == "simple"
    assert a.auth_fingerprint == b.auth_fingerprint == fingerprint(PASSWORD)
    assert c.auth_fingerprint != a.auth_fingerprint
    assert PASSWORD.decode() not in repr(a)
    assert PASSWORD.hex() not in repr(a)


def test_trailing_bytes_are_tolerated() -> None:
    # keepalived >= 2.4 may append a trailer after the password
    a = advert(on_wire(bytes(pass_v2()) + b"T" * 20))
    assert a.problems == ()
    assert a.auth_fingerprint == fingerprint(PASSWORD)


def test_ethernet_padding_is_not_vrrp_payload() -> None:
    frame = on_wire(VRRPv3(addrlist=["192.0.2.100"])) + b"\0" * 14  # padded to 60 bytes
    assert advert(frame).problems == ()


def test_zero_ip_length_leaves_the_length_to_the_capture() -> None:
    # outgoing packets captured before segmentation offload can carry a 0 length
    v4 = bytearray(on_wire(v2()))
    v4[16:18] = b"\0\0"
    assert advert(bytes(v4)).problems == ()
    v6 = bytearray(v6_frame())
    v6[18:20] = b"\0\0"
    assert advert(bytes(v6)).addresses == ("2001:db8::1",)


def test_ah_wrapping_rules() -> None:
    wrapped = advert(on_wire(ah(112, bytes(v2(authtype=2))), proto=51))
    assert (wrapped.auth_type, wrapped.problems) == ("ah", ())
    assert advert(on_wire(v2(authtype=2))).problems == ("auth type ah without an AH header",)
    plain_in_ah = advert(on_wire(ah(112, bytes(v2())), proto=51))
    assert plain_in_ah.problems == ("AH header but auth type none",)
    v3 = bytes((IP(src=SRC, dst=GROUP) / VRRPv3(addrlist=["192.0.2.100"]))[VRRPv3])
    v3_ah = advert(on_wire(ah(112, v3), proto=51))
    assert v3_ah.auth_type == "ah"
    assert "VRRPv3 with authentication (AH)" in v3_ah.problems


def test_unknown_auth_type_and_v2_over_ipv6() -> None:
    assert "unknown auth type 7" in advert(on_wire(v2(authtype=7))).problems
    frame = bytes(Ether() / IPv6(src=SRC6, dst=GROUP6, hlim=255, nh=112) / Raw(bytes(v2())))
    assert "VRRPv2 over IPv6" in advert(frame).problems


def test_ipv6_source_must_be_link_local_and_group() -> None:
    assert advert(v6_frame(src="2001:db8::11")).problems == ("source 2001:db8::11 not link-local",)
    other = on_wire(v2(), dst="224.0.0.19")
    assert advert(other).problems == ("multicast group 224.0.0.19, expected 224.0.0.18",)


@pytest.mark.parametrize(
    ("linktype", "frame"),
    [
        (1, bytes(Ether() / Dot1Q(vlan=10) / IP(src=SRC, dst=GROUP, ttl=255) / v2())),
        (113, bytes(CookedLinux(proto=0x0800) / IP(src=SRC, dst=GROUP, ttl=255) / v2())),
        (101, bytes(IP(src=SRC, dst=GROUP, ttl=255) / v2())),
        (228, bytes(IP(src=SRC, dst=GROUP, ttl=255) / v2())),
        (229, bytes(IPv6(src=SRC6, dst=GROUP6, hlim=255) / VRRPv3(addrlist=["2001:db8::1"]))),
    ],
)
def test_link_types(linktype: int, frame: bytes) -> None:
    assert advert(frame, linktype).problems == ()


def test_ipv6_extension_header_before_vrrp() -> None:
    inner = IPv6(src=SRC6, dst=GROUP6, hlim=255) / VRRPv3(addrlist=["2001:db8::1"])
    msg = bytes(inner[VRRPv3])
    hop_by_hop = bytes((112, 0)) + bytes(6)  # next header VRRP, 8 bytes, PadN-free padding
    frame = bytes(Ether() / IPv6(src=SRC6, dst=GROUP6, hlim=255, nh=0)) + hop_by_hop + msg
    a = advert(frame[:18] + (len(hop_by_hop) + len(msg)).to_bytes(2, "big") + frame[20:])
    assert a.addresses == ("2001:db8::1",)
    assert a.problems == ()


@settings(max_examples=500, deadline=None)
@given(st.sampled_from([1, 101, 113, 228, 229, 276, 0, 12]), st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(linktype: int, data: bytes) -> None:
    result = decode(Record(0.0, linktype, data))
    assert result is None or isinstance(result, (Advert, BadPacket))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=80), st.sampled_from([4, 6]), st.booleans())
def test_arbitrary_vrrp_payload_never_raises(payload: bytes, family: int, wrap: bool) -> None:
    body = ah(112, payload) if wrap else payload
    proto = 51 if wrap else 112
    if family == 4:
        frame = bytes(Ether() / IP(src=SRC, dst=GROUP, ttl=255, proto=proto) / Raw(body))
    else:
        frame = bytes(Ether() / IPv6(src=SRC6, dst=GROUP6, hlim=255, nh=proto) / Raw(body))
    result = decode(Record(0.0, 1, frame))
    assert isinstance(result, (Advert, BadPacket))
