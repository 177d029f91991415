"""The bytes a capture on the demo's VRRP segment holds: classic pcap of Ethernet/IPv4/VRRPv2.

Built by hand (struct, RFC 3768 section 5) rather than with scapy, so that the decoder that reads
them (`core.advert`) checks an independent encoding, exactly as it checks tcpdump's on a node.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

VRRP_GROUP = "224.0.0.18"
VRRP_PROTO = 112
VRRP_TTL = 255
LINKTYPE_ETHERNET = 1
SNAPLEN = 262144
#: keepalived marks adverts IPTOS_PREC_INTERNETCONTROL.
_TOS = 0xC0
_ETHERTYPE_IPV4 = 0x0800
_GROUP_MAC = bytes.fromhex("01005e000012")
_AUTH_NONE, _AUTH_PASS = 0, 1


@dataclass(frozen=True, slots=True)
class SimAdvert:
    """One VRRPv2 advertisement as a simulated keepalived sends it.

    `password` is the PASS secret as keepalived uses it (already truncated to 8 characters),
    empty for no authentication.
    """

    src: str
    mac: bytes
    vrid: int
    priority: int
    advert_int: int
    addresses: tuple[str, ...]
    password: str = ""


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of `data`."""
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def vrrp_message(advert: SimAdvert) -> bytes:
    """The VRRPv2 message: header, addresses, 8 bytes of authentication data, checksum set."""
    auth = _AUTH_PASS if advert.password else _AUTH_NONE
    head = struct.pack(
        "!BBBBBBH",
        0x21,  # version 2, type 1 (advertisement)
        advert.vrid,
        advert.priority,
        len(advert.addresses),
        auth,
        advert.advert_int,
        0,
    )
    body = b"".join(ipaddress.IPv4Address(a).packed for a in advert.addresses)
    secret = advert.password.encode()[:8].ljust(8, b"\0")
    msg = head + body + secret
    return msg[:6] + struct.pack("!H", checksum(msg)) + msg[8:]


def ethernet_frame(advert: SimAdvert, ident: int) -> bytes:
    """The advert as it leaves the node's interface: Ethernet, IPv4 (TTL 255) to 224.0.0.18."""
    payload = vrrp_message(advert)
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        _TOS,
        20 + len(payload),
        ident & 0xFFFF,
        0,
        VRRP_TTL,
        VRRP_PROTO,
        0,
        ipaddress.IPv4Address(advert.src).packed,
        ipaddress.IPv4Address(VRRP_GROUP).packed,
    )
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return _GROUP_MAC + advert.mac + struct.pack("!H", _ETHERTYPE_IPV4) + header + payload


def pcap_header() -> bytes:
    """What `tcpdump -w -` writes first: microsecond pcap, Ethernet link type, host byte order."""
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET)


def pcap_record(ts: float, frame: bytes) -> bytes:
    """One packet record of a classic pcap stream, stamped `ts` (epoch seconds)."""
    usec_total = round(ts * 1_000_000)
    sec, usec = divmod(usec_total, 1_000_000)
    return struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
