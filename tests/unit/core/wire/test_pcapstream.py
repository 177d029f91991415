"""The incremental pcap/pcapng reader on real captures, re-framed variants and damaged input."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.utils import rdpcap

from kaconsole.core.wire.pcap import MAX_RECORD, PcapStream, Record

PCAP_DIR = Path(__file__).parents[3] / "data" / "pcap"
CAPTURES = sorted(PCAP_DIR.glob("*.pcap*"))
CLASSIC = [p for p in CAPTURES if p.suffix == ".pcap"]


def read_all(data: bytes, sizes: list[int] | None = None) -> tuple[list[Record], PcapStream]:
    """Feed data whole, or split into chunks of the given sizes (cycled)."""
    stream = PcapStream()
    if not sizes:
        return stream.feed(data), stream
    out: list[Record] = []
    pos = i = 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        out += stream.feed(data[pos : pos + n])
        pos += n
        i += 1
    return out, stream


def classic_records(data: bytes) -> tuple[bytes, list[tuple[int, int, int, bytes]]]:
    """(global header, [(sec, frac, orig, bytes)]) of a little-endian classic pcap."""
    recs, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack_from("<IIII", data, pos)
        recs.append((sec, frac, orig, data[pos + 16 : pos + 16 + incl]))
        pos += 16 + incl
    return data[:24], recs


def to_big_endian(data: bytes) -> bytes:
    head, recs = classic_records(data)
    magic, *rest = struct.unpack("<IHHiIII", head)
    out = [struct.pack(">IHHiIII", magic, *rest)]
    for sec, frac, orig, pkt in recs:
        out.append(struct.pack(">IIII", sec, frac, len(pkt), orig) + pkt)
    return b"".join(out)


def block(endian: str, btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack(endian + "II", btype, n) + body + struct.pack(endian + "I", n)


def shb(endian: str) -> bytes:
    return block(endian, 0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(endian: str, linktype: int, tsresol: int | None = None, tsoffset: int = 0) -> bytes:
    opts = b""
    if tsresol is not None:
        opts += struct.pack(endian + "HHB3x", 9, 1, tsresol)
    if tsoffset:
        opts += struct.pack(endian + "HHq", 14, 8, tsoffset)
    return block(endian, 1, struct.pack(endian + "HHI", linktype, 0, 65535) + opts + b"\0" * 4)


def epb(endian: str, ifid: int, ticks: int, pkt: bytes) -> bytes:
    hi, lo = ticks >> 32, ticks & 0xFFFFFFFF
    return block(endian, 6, struct.pack(endian + "IIIII", ifid, hi, lo, len(pkt), len(pkt)) + pkt)


def real(name: str) -> bytes:
    return (PCAP_DIR / name).read_bytes()


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name)
def test_real_captures_match_scapy(path: Path) -> None:
    records, stream = read_all(path.read_bytes())
    expected = rdpcap(str(path))  # an independent reader
    assert len(records) == len(expected) >= 5
    for rec, pkt in zip(records, expected, strict=True):
        assert rec.data == bytes(pkt)
        assert rec.ts == pytest.approx(float(pkt.time), abs=1e-6)
    assert stream.stats.errors == stream.stats.skipped_bytes == stream.pending == 0
    assert stream.stats.records == len(records)


def test_link_types_and_time_precision() -> None:
    assert {r.linktype for r in read_all(real("v3_ipv4_sll2.pcap"))[0]} == {276}
    assert {r.linktype for r in read_all(real("v3_ipv4_sll2.pcapng"))[0]} == {276}
    assert {r.linktype for r in read_all(real("v3_ipv6_sll.pcap"))[0]} == {113}
    ns, _ = read_all(real("v2_ah_ns.pcap"))
    ng, stream = read_all(real("v2_ah_ns.pcapng"))
    assert stream.format == "pcapng"
    assert [r.ts for r in ns] == [r.ts for r in ng]
    # nanosecond magic: the fraction is not rounded to microseconds
    sec, frac = struct.unpack_from("<II", real("v2_ah_ns.pcap"), 24)
    assert ns[0].ts == sec + frac / 1e9
    assert frac % 1000  # the sample really has sub-microsecond digits


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=97), min_size=1, max_size=8), st.data())
def test_any_chunking_gives_the_same_records(sizes: list[int], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(CAPTURES))
    raw = path.read_bytes()
    assert read_all(raw, sizes)[0] == read_all(raw)[0]


def test_byte_at_a_time_and_random_splits() -> None:
    rng = random.Random(7)
    for path in CAPTURES:
        raw = path.read_bytes()
        whole = read_all(raw)[0]
        assert read_all(raw, [1])[0] == whole
        assert read_all(raw, [rng.randint(1, 300) for _ in range(20)])[0] == whole


@pytest.mark.parametrize("path", CLASSIC, ids=lambda p: p.name)
def test_big_endian_classic(path: Path) -> None:
    raw = path.read_bytes()
    assert read_all(to_big_endian(raw))[0] == read_all(raw)[0]


@pytest.mark.parametrize("endian", ["<", ">"])
def test_pcapng_sections_interfaces_resolutions(endian: str) -> None:
    _, recs = classic_records(real("v2_pass.pcap"))
    pkt = recs[0][3]
    data = (
        shb(endian)
        + idb(endian, 1)  # default resolution: microseconds
        + idb(endian, 276, tsresol=9)
        + idb(endian, 101, tsresol=0x80 | 10, tsoffset=1000)  # 2^-10 s, offset 1000 s
        + block(endian, 0x0BAD, b"custom block, skipped")
        + epb(endian, 0, 1_700_000_000_123_456, pkt)
        + epb(endian, 1, 1_700_000_000_123_456_789, pkt)
        + epb(endian, 2, 1024 * 5 + 512, pkt)
        + block(endian, 3, struct.pack(endian + "I", len(pkt)) + pkt)  # SPB: interface 0
        + shb(endian)  # a new section forgets the interfaces
        + idb(endian, 113)
        + epb(endian, 0, 2_000_000, pkt)
    )
    records, stream = read_all(data)
    assert [(r.linktype, r.interface) for r in records] == [
        (1, 0),
        (276, 1),
        (101, 2),
        (1, 0),
        (113, 0),
    ]
    assert records[0].ts == 1_700_000_000.123456
    assert records[1].ts == pytest.approx(1_700_000_000.123456789, abs=1e-6)
    assert records[2].ts == 1005.5
    assert records[3].ts == records[2].ts  # SPB has no time: the last one seen
    assert records[4].ts == 2.0
    assert all(r.data == pkt for r in records)
    assert stream.stats.sections == 2
    assert stream.stats.skipped_blocks == 1
    assert stream.stats.errors == 0
    assert read_all(data, [3, 5, 7])[0] == records


def test_epb_for_an_undescribed_interface_is_counted() -> None:
    data = shb("<") + idb("<", 1) + epb("<", 3, 0, b"x" * 20) + epb("<", 0, 0, b"y" * 20)
    records, stream = read_all(data)
    assert [r.data for r in records] == [b"y" * 20]
    assert stream.stats.errors == 1


def test_garbage_between_records_is_skipped_and_counted() -> None:
    raw = real("v2_prio0_stop.pcap")
    head, recs = classic_records(raw)
    framed = [struct.pack("<IIII", s, f, len(p), o) + p for s, f, o, p in recs]
    garbage = bytes(range(200, 256)) * 3
    damaged = head + b"".join(framed[:3]) + garbage + b"".join(framed[3:])
    records, stream = read_all(damaged)
    assert [r.data for r in records] == [p for _, _, _, p in recs]
    assert stream.stats.errors >= 1
    assert stream.stats.skipped_bytes == len(garbage)


def test_pcapng_damaged_block_resyncs() -> None:
    pkts = [bytes([i]) * 40 for i in range(4)]
    good = [epb("<", 0, i, p) for i, p in enumerate(pkts)]
    bad = bytearray(good[1])
    bad[-4:] = struct.pack("<I", 999)  # trailer length disagrees
    data = shb("<") + idb("<", 1) + good[0] + bytes(bad) + good[2] + good[3]
    records, stream = read_all(data)
    assert [r.data for r in records] == [pkts[0], pkts[2], pkts[3]]
    assert stream.stats.errors == 1
    assert read_all(data, [1])[0] == records


def test_huge_bogus_length_does_not_buffer_forever() -> None:
    raw = real("v2_pass.pcap")
    head, recs = classic_records(raw)
    sec, frac, orig, pkt = recs[0]
    bogus = struct.pack("<IIII", sec, frac, 0x7FFFFFF0, 0x7FFFFFF0)
    good = struct.pack("<IIII", sec, frac, len(pkt), orig) + pkt
    stream = PcapStream()
    assert len(stream.feed(head + good + bogus)) == 1
    for _ in range(100):  # 1.6 MB of zeros after the bogus header
        stream.feed(bytes(16384))
        assert stream.pending <= MAX_RECORD
    assert stream.stats.errors >= 1
    assert stream.feed(good) == [Record(sec + frac / 1e6, 1, pkt)]


def test_truncated_capture_keeps_the_partial_record_pending() -> None:
    raw = real("v2_prio0_stop.pcap")
    records, stream = read_all(raw[:-10])
    assert len(records) == len(read_all(raw)[0]) - 1
    assert stream.pending > 0


def test_captures_concatenated_are_both_read() -> None:
    a, b = real("v2_pass.pcap"), real("v3_ipv6_sll.pcap")
    records, stream = read_all(a + b + real("v2_ah_ns.pcapng") + a)
    expected = read_all(a)[0] + read_all(b)[0] + read_all(real("v2_ah_ns.pcapng"))[0]
    assert records == expected + read_all(a)[0]
    assert stream.stats.sections == 4
    assert stream.stats.errors == 0


def test_leading_noise_then_capture() -> None:
    raw = real("v2_unicast.pcap")
    records, stream = read_all(b"Warning: Permanently added host\r\n" + raw, [5])
    assert records == read_all(raw)[0]
    assert stream.stats.skipped_bytes == 33


def test_not_a_capture_finds_no_format() -> None:
    records, stream = read_all(b"hello, this is a text file\n" * 100, [13])
    assert records == []
    assert stream.format is None
    assert stream.pending <= 3


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.integers(min_value=1, max_value=64))
def test_arbitrary_bytes_never_raise(data: bytes, chunk: int) -> None:
    records, stream = read_all(data, [chunk])
    assert stream.pending <= max(MAX_RECORD, 3)
    assert stream.stats.records == len(records)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([real("v2_pass.pcap")[:24], shb("<") + idb("<", 1), shb(">") + idb(">", 1)]),
    st.binary(max_size=1500),
)
def test_arbitrary_bytes_after_a_valid_header_never_raise(head: bytes, tail: bytes) -> None:
    records, _ = read_all(head + tail, [7])
    assert all(isinstance(r.ts, float) for r in records)
