"""VRRP advertisement decoding from captured packets (CONTRACTS.md section 6).

Headers are read with `struct` rather than scapy: the console must keep up with every advert of
every cluster, and scapy's dissection costs far more per packet (tests/bench/bench_advert.py
prints both). What keepalived 2.2.7 would drop, or what looks wrong, becomes a `problems` entry
(the checks mirror its vrrp_check_packet); only a packet that is not a VRRP message at all
(bad version, truncated header) becomes a BadPacket.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import struct
from functools import lru_cache

from kaconsole.core.events import Advert, BadPacket
from kaconsole.core.wire.pcap import Record

IPPROTO_AH = 51
IPPROTO_VRRP = 112
VRRP_TTL = 255
MCAST4 = "224.0.0.18"
MCAST6 = "ff02::12"
AUTH_NAMES = {0: "none", 1: "simple", 2: "ah"}
#: IPv6 extension headers walked through on the way to VRRP or AH.
_IPV6_EXT = frozenset({0, 43, 60})
_ETH_VLAN = frozenset({0x8100, 0x88A8, 0x9100})
_LINK_ETHERNET, _LINK_RAW, _LINK_SLL, _LINK_SLL2 = 1, 101, 113, 276
_LINK_IPV4, _LINK_IPV6 = 228, 229

#: Per-process key: fingerprints compare passwords within one run, and reveal nothing after it.
_FINGERPRINT_KEY = os.urandom(32)

_IP4 = struct.Struct("!BBHHHBBH4s4s")
_HDR = struct.Struct("!BBBBBBH")


def fingerprint(secret: bytes) -> str:
    """A keyed hash of an authentication secret, equal for equal secrets in this process only."""
    return hmac.new(_FINGERPRINT_KEY, secret, hashlib.sha256).hexdigest()[:16]


@lru_cache(maxsize=4096)
def _ip4(raw: bytes) -> str:
    return "%d.%d.%d.%d" % tuple(raw)  # noqa: UP031  (the fastest way to format an IPv4)


@lru_cache(maxsize=4096)
def _ip6(raw: bytes) -> str:
    return ipaddress.IPv6Address(raw).compressed


@lru_cache(maxsize=1024)
def _addresses(raw: bytes, size: int) -> tuple[str, ...]:
    """The address list of an advert (cached: a VRID sends the same list every interval)."""
    fmt = _ip4 if size == 4 else _ip6
    return tuple(fmt(raw[i : i + size]) for i in range(0, len(raw), size))


def _checksum_ok(*parts: bytes) -> bool:
    """Internet checksum check: the 16-bit one's-complement sum is 0 (mod 0xFFFF)."""
    total = 0
    for part in parts:
        if len(part) % 2:
            part += b"\0"
        total += int.from_bytes(part, "big")
    return total % 0xFFFF == 0


def _network_payload(linktype: int, data: bytes) -> tuple[int, int] | None:
    """(ethertype-like IP version, offset of the IP header) for the link types we read."""
    if linktype == _LINK_ETHERNET:
        if len(data) < 14:
            return None
        off, etype = 14, int.from_bytes(data[12:14], "big")
        while etype in _ETH_VLAN and len(data) >= off + 4:
            etype = int.from_bytes(data[off + 2 : off + 4], "big")
            off += 4
    elif linktype == _LINK_SLL:
        if len(data) < 16:
            return None
        off, etype = 16, int.from_bytes(data[14:16], "big")
    elif linktype == _LINK_SLL2:
        if len(data) < 20:
            return None
        off, etype = 20, int.from_bytes(data[0:2], "big")
    elif linktype in (_LINK_RAW, _LINK_IPV4, _LINK_IPV6, 12, 14):
        if not data:
            return None
        off, version = 0, data[0] >> 4
        etype = 0x0800 if version == 4 else 0x86DD if version == 6 else 0
    else:
        return None
    if etype == 0x0800:
        return 4, off
    if etype == 0x86DD:
        return 6, off
    return None


def decode(record: Record) -> Advert | BadPacket | None:
    """The VRRP advert in a captured packet; None when the packet carries no VRRP."""
    net = _network_payload(record.linktype, record.data)
    if net is None:
        return None
    family, off = net
    data = record.data
    if family == 4:
        if len(data) < off + 20:
            return None
        vihl, _tos, total, _id, frag, ttl, proto, _sum, rsrc, rdst = _IP4.unpack_from(data, off)
        ihl = (vihl & 0x0F) * 4
        if vihl >> 4 != 4 or ihl < 20 or frag & 0x1FFF:
            return None
        # a bogus (offloaded, 0) total length leaves the length to the capture
        end = min(len(data), off + total) if total >= ihl else len(data)
        start = off + ihl
        src, dst = _ip4(rsrc), _ip4(rdst)
    else:
        if len(data) < off + 40 or data[off] >> 4 != 6:
            return None
        plen = int.from_bytes(data[off + 4 : off + 6], "big")
        proto, ttl = data[off + 6], data[off + 7]
        rsrc, rdst = data[off + 8 : off + 24], data[off + 24 : off + 40]
        start = off + 40
        end = min(len(data), start + plen) if plen else len(data)  # 0: length left to the capture
        while proto in _IPV6_EXT and start + 8 <= end:
            proto, start = data[start], start + (data[start + 1] + 1) * 8
        src, dst = _ip6(rsrc), _ip6(rdst)
    ah = False
    if proto == IPPROTO_AH:
        if start + 12 > end or data[start] != IPPROTO_VRRP:
            return None
        ah = True
        start += (data[start + 1] + 2) * 4
    elif proto != IPPROTO_VRRP:
        return None
    return _vrrp(record.ts, family, src, dst, rsrc, rdst, ttl, ah, data[start:end])


def _vrrp(
    ts: float,
    family: int,
    src: str,
    dst: str,
    rsrc: bytes,
    rdst: bytes,
    ttl: int,
    ah: bool,
    msg: bytes,
) -> Advert | BadPacket:
    """Decode the VRRP message itself; `msg` is the IP payload after any AH header."""
    if len(msg) < 8:
        return BadPacket(ts, src, dst, f"truncated: {len(msg)} bytes of VRRP header, need 8")
    vtype, vrid, prio, count, b4, b5, _csum = _HDR.unpack_from(msg)
    version, ptype = vtype >> 4, vtype & 0x0F
    if version not in (2, 3):
        return BadPacket(ts, src, dst, f"bad version {version}")
    problems: list[str] = []
    asize = 4 if family == 4 else 16
    auth_len = 8 if version == 2 and family == 4 else 0
    # keepalived reads a v2 password from the end of the packet: it is not an address
    found = min(count, max(0, (len(msg) - 8 - auth_len) // asize))
    addresses = _addresses(msg[8 : 8 + found * asize], asize)
    expected = 8 + count * asize + auth_len
    complete = len(msg) >= expected  # extra bytes (a newer keepalived's trailer) are tolerated
    if found < count:
        problems.append(f"address count {count}, found {found}")
    elif not complete:
        problems.append(f"truncated: {len(msg)} bytes, need {expected}")
    if ptype != 1:
        problems.append(f"type {ptype}, must be 1 (advertisement)")
    multicast = dst in (MCAST4, MCAST6) or (rdst[0] >= 224 if family == 4 else rdst[0] == 0xFF)
    if multicast and ttl != VRRP_TTL:
        what = "ttl" if family == 4 else "hop limit"
        problems.append(f"{what} {ttl}, must be {VRRP_TTL}")
    if multicast and dst not in (MCAST4, MCAST6):
        problems.append(f"multicast group {dst}, expected {MCAST4 if family == 4 else MCAST6}")
    fingerprint_hex: str | None = None
    if version == 2:
        auth_code, interval = b4, float(b5)
        auth_type = AUTH_NAMES.get(auth_code, "unknown")
        if family == 6:
            problems.append("VRRPv2 over IPv6")
        if auth_code not in AUTH_NAMES:
            problems.append(f"unknown auth type {auth_code}")
        if auth_code == 2 and not ah:
            problems.append("auth type ah without an AH header")
        elif ah and auth_code != 2:
            problems.append(f"AH header but auth type {auth_type}")
        if auth_code == 1 and complete:
            fingerprint_hex = fingerprint(msg[expected - 8 : expected])
        csum_ok = not complete or _checksum_ok(msg[:expected])
    else:
        auth_type = "ah" if ah else "none"
        interval = ((b4 & 0x0F) << 8 | b5) / 100
        if ah:
            problems.append("VRRPv3 with authentication (AH)")
        if family == 6 and rsrc[0:2] != b"\xfe\x80":
            problems.append(f"source {src} not link-local")
        csum_ok = not complete or _v3_checksum(family, rsrc, rdst, msg[:expected], problems)
    if not csum_ok:
        problems.append("bad checksum")
    if interval == 0:
        problems.append("advert_int 0")
    return Advert(
        ts=ts,
        src=src,
        dst=dst,
        version=version,
        vrid=vrid,
        priority=prio,
        advert_int=interval,
        auth_type=auth_type,
        addresses=addresses,
        ttl=ttl,
        problems=tuple(problems),
        auth_fingerprint=fingerprint_hex,
    )


def _v3_checksum(family: int, rsrc: bytes, rdst: bytes, msg: bytes, problems: list[str]) -> bool:
    """VRRPv3 checksum with the pseudo-header; old keepalived unicast used 224.0.0.18 in it."""
    n = len(msg)
    if family == 4:
        if _checksum_ok(rsrc + rdst + bytes((0, IPPROTO_VRRP)) + n.to_bytes(2, "big"), msg):
            return True
        compat = bytes((224, 0, 0, 18))
        if rdst != compat and _checksum_ok(
            rsrc + compat + bytes((0, IPPROTO_VRRP)) + n.to_bytes(2, "big"), msg
        ):
            problems.append("checksum over 224.0.0.18 (old keepalived unicast compatibility)")
            return True
        return False
    return _checksum_ok(rsrc + rdst + n.to_bytes(4, "big") + bytes((0, 0, 0, IPPROTO_VRRP)), msg)
