"""Incremental pcap/pcapng reader: bytes in as they arrive, whole packet records out.

`tcpdump -U -w -` over SSH delivers chunks split anywhere, so the reader keeps what it cannot
finish yet and never blocks on input. Damaged input is counted in `stats` and skipped, never
raised: a header that makes no sense starts a resync (a scan for the next plausible record or
block), and no length larger than `max_record` is ever waited for, so buffering stays bounded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

#: Largest record or block waited for: tcpdump's snaplen is 262144, pcapng adds a little.
MAX_RECORD = 262144 + 1024

_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000),
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000),
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000),
}
_SHB = b"\x0a\x0d\x0d\x0a"
#: First header word of a capture, as a record's seconds would read it (in either byte order).
_START_WORDS = frozenset(
    int.from_bytes(m, order) for m in (*_PCAP_MAGICS, _SHB) for order in ("little", "big")
)
_BOM = {b"\x4d\x3c\x2b\x1a": "<", b"\x1a\x2b\x3c\x4d": ">"}
_EPB, _SPB, _IDB, _OPB = 6, 3, 1, 2
#: Block types a resync may land on (besides SHB): IDB, OPB, SPB, NRB, ISB, EPB, DSB, custom.
_RESYNC_BLOCKS = frozenset({1, 2, 3, 4, 5, 6, 10, 0xBAD, 0x40000BAD})
_MAX_FORWARD_JUMP = 86400 * 30  # a resync candidate must be within this many seconds of the last


@dataclass(frozen=True, slots=True)
class Record:
    """One captured packet: capture time (epoch seconds), link-layer type and the bytes."""

    ts: float
    linktype: int
    data: bytes
    interface: int = 0


@dataclass(slots=True)
class StreamStats:
    """What the reader saw; `errors` counts malformed headers/blocks, each followed by a resync."""

    records: int = 0
    sections: int = 0
    errors: int = 0
    skipped_bytes: int = 0
    skipped_blocks: int = 0


@dataclass(slots=True)
class _Interface:
    linktype: int
    units: int  # timestamp units per second (if_tsresol)
    offset: int  # if_tsoffset, seconds
    snaplen: int


def _tsresol(value: int) -> int:
    """Units per second from pcapng if_tsresol: MSB clear means 10^-n s, set means 2^-n s."""
    exp = value & 0x7F
    return int(2**exp if value & 0x80 else 10**exp)


class PcapStream:
    """Feed bytes, get records. Classic pcap (either byte order, µs or ns) and pcapng."""

    def __init__(self, max_record: int = MAX_RECORD) -> None:
        self.max_record = max_record
        self.stats = StreamStats()
        self.format: str | None = None  # "pcap" or "pcapng" once a header was seen
        self._buf = bytearray()
        self._pos = 0
        self._syncing = False
        self._last_sec = -1
        self._last_ts = 0.0
        # classic pcap
        self._rec: struct.Struct = struct.Struct("<IIII")
        self._units = 1_000_000  # timestamp fraction units per second (µs or ns magic)
        self._linktype = 0
        # pcapng
        self._endian = "<"
        self._u32 = struct.Struct("<I")
        self._epb = struct.Struct("<IIIII")
        self._ifaces: list[_Interface] = []

    @property
    def pending(self) -> int:
        """Bytes held back for an unfinished record; non-zero at end of input: truncated."""
        return len(self._buf) - self._pos

    def feed(self, data: bytes) -> list[Record]:
        """Take the next chunk of the stream; return every record it completes, in order."""
        self._buf += data
        out: list[Record] = []
        while True:
            if self._syncing and not self._resync():
                break
            if self.format is None:
                if not self._read_file_header():
                    break
            elif self.format == "pcap":
                if not self._read_pcap(out):
                    break
            elif not self._read_block(out):
                break
        del self._buf[: self._pos]
        self._pos = 0
        self.stats.records += len(out)
        return out

    # -- shared ---------------------------------------------------------------------------

    def _lose_sync(self) -> None:
        """A header made no sense: skip its first byte and scan for the next plausible one."""
        self.stats.errors += 1
        self._skip(1)
        self._syncing = True

    def _skip(self, n: int) -> None:
        self._pos += n
        self.stats.skipped_bytes += n

    def _read_file_header(self) -> bool:
        """Expect a pcap global header or a pcapng SHB at the current position."""
        buf, pos = self._buf, self._pos
        if len(buf) - pos < 4:
            return False
        head = bytes(buf[pos : pos + 4])
        if head in _PCAP_MAGICS:
            return self._read_pcap_header()
        if head == _SHB:
            return self._read_block([])
        self._lose_sync()
        return True

    def _resync(self) -> bool:
        """Advance to the next plausible header; False when more input is needed first."""
        buf = self._buf
        end = len(buf)
        pos = self._pos
        while pos + 4 <= end:
            head = bytes(buf[pos : pos + 4])
            if head in _PCAP_MAGICS or head == _SHB:
                break
            verdict = self._plausible(pos)
            if verdict is None:  # need more bytes to decide
                self.stats.skipped_bytes += pos - self._pos
                self._pos = pos
                return False
            if verdict:
                break
            pos += 1
        else:
            keep = max(self._pos, end - 3)  # a magic may straddle the chunk boundary
            self.stats.skipped_bytes += keep - self._pos
            self._pos = keep
            return False
        self.stats.skipped_bytes += pos - self._pos
        self._pos = pos
        self._syncing = False
        head = bytes(buf[pos : pos + 4])
        if head in _PCAP_MAGICS or head == _SHB:
            self.format = None  # a new capture or section: read it as a file header
        return True

    def _plausible(self, pos: int) -> bool | None:
        """Does a record (pcap) or block (pcapng) header plausibly start at pos?"""
        if self.format == "pcap":
            return self._plausible_record(pos)
        if self.format == "pcapng":
            return self._plausible_block(pos)
        return False

    # -- classic pcap -----------------------------------------------------------------------

    def _read_pcap_header(self) -> bool:
        buf, pos = self._buf, self._pos
        if len(buf) - pos < 24:
            return False
        endian, units = _PCAP_MAGICS[bytes(buf[pos : pos + 4])]
        major, _minor, _zone, _sigfigs, _snaplen, network = struct.unpack_from(
            endian + "HHiIII", buf, pos + 4
        )
        if major != 2:
            self._lose_sync()
            return True
        self.format = "pcap"
        self._rec = struct.Struct(endian + "IIII")
        self._units = units
        self._linktype = network & 0xFFFF
        self.stats.sections += 1
        self._pos = pos + 24
        return True

    def _plausible_record(self, pos: int) -> bool | None:
        if len(self._buf) - pos < 16:
            return None
        sec, frac, incl, orig = self._rec.unpack_from(self._buf, pos)
        if not 0 < incl <= min(orig, self.max_record) or frac >= self._units:
            return False
        return self._last_sec < 0 or abs(sec - self._last_sec) <= _MAX_FORWARD_JUMP

    def _capture_starts(self, pos: int) -> bool:
        """Is there a pcap global header (version 2) or a pcapng SHB at pos, not a record?"""
        head = bytes(self._buf[pos : pos + 12])
        if head[:4] in _PCAP_MAGICS:
            return head[4:8] in (b"\x02\x00\x04\x00", b"\x00\x02\x00\x04")
        return head[:4] == _SHB and head[8:12] in _BOM

    def _read_pcap(self, out: list[Record]) -> bool:
        """Read classic pcap records from the buffer until one is incomplete."""
        buf = self._buf
        end = len(buf)
        pos = self._pos
        unpack = self._rec.unpack_from
        units, linktype = self._units, self._linktype
        while pos + 16 <= end:
            sec, frac, incl, orig = unpack(buf, pos)
            if sec in _START_WORDS and self._capture_starts(pos):
                self._pos = pos
                self.format = None  # another capture was appended: read its header
                return True
            if frac >= units or incl > self.max_record or incl > orig:
                self._pos = pos
                self._lose_sync()
                return True
            if pos + 16 + incl > end:
                break
            start = pos + 16
            pos = start + incl
            self._last_sec = sec
            out.append(Record(sec + frac / units, linktype, bytes(buf[start:pos])))
        self._pos = pos
        return False

    # -- pcapng -------------------------------------------------------------------------------

    def _plausible_block(self, pos: int) -> bool | None:
        buf = self._buf
        if len(buf) - pos < 12:
            return None
        btype, blen = struct.unpack_from(self._endian + "II", buf, pos)
        if btype not in _RESYNC_BLOCKS or blen < 12 or blen % 4 or blen > self.max_record:
            return False
        if len(buf) - pos < blen:
            return None
        return bool(self._u32.unpack_from(buf, pos + blen - 4)[0] == blen)

    def _read_block(self, out: list[Record]) -> bool:
        """Read one pcapng block; False when it is not complete yet."""
        buf, pos = self._buf, self._pos
        avail = len(buf) - pos
        if avail < 12:
            return False
        if bytes(buf[pos : pos + 4]) == _SHB:
            endian = _BOM.get(bytes(buf[pos + 8 : pos + 12]))
            if endian is None:
                self._lose_sync()
                return True
            self._endian = endian
            self._u32 = struct.Struct(endian + "I")
            self._epb = struct.Struct(endian + "IIIII")
        elif bytes(buf[pos : pos + 4]) in _PCAP_MAGICS:  # a classic capture was appended
            self.format = None
            return True
        btype, blen = struct.unpack_from(self._endian + "II", buf, pos)
        if blen < 12 or blen % 4 or blen > self.max_record:
            self._lose_sync()
            return True
        if avail < blen:
            return False
        if self._u32.unpack_from(buf, pos + blen - 4)[0] != blen:
            self._lose_sync()
            return True
        body = pos + 8
        body_end = pos + blen - 4
        if btype == 0x0A0D0D0A:
            self.format = "pcapng"
            self._ifaces = []
            self.stats.sections += 1
        elif btype == _EPB:
            self._read_epb(body, body_end, out)
        elif btype == _SPB:
            self._read_spb(body, body_end, out)
        elif btype == _IDB:
            self._read_idb(body, body_end)
        elif btype == _OPB:
            self._read_opb(body, body_end, out)
        else:
            self.stats.skipped_blocks += 1
        self._pos = pos + blen
        return True

    def _read_idb(self, body: int, end: int) -> None:
        if end - body < 8:
            self.stats.errors += 1
            return
        e = self._endian
        linktype, _reserved, snaplen = struct.unpack_from(e + "HHI", self._buf, body)
        iface = _Interface(linktype, 1_000_000, 0, snaplen)
        opt = body + 8
        while opt + 4 <= end:
            code, olen = struct.unpack_from(e + "HH", self._buf, opt)
            if code == 0:
                break
            val = opt + 4
            if val + olen > end:
                break
            if code == 9 and olen >= 1:
                iface.units = _tsresol(self._buf[val])
            elif code == 14 and olen >= 8:
                iface.offset = struct.unpack_from(e + "q", self._buf, val)[0]
            opt = val + ((olen + 3) & ~3)
        self._ifaces.append(iface)

    def _emit(self, out: list[Record], ifid: int, ticks: int | None, start: int, n: int) -> None:
        if ifid >= len(self._ifaces):
            self.stats.errors += 1  # a packet for an interface never described
            return
        iface = self._ifaces[ifid]
        if ticks is None:  # SPB: no timestamp of its own
            ts = self._last_ts
        else:
            sec, frac = divmod(ticks, iface.units)  # exact integer seconds, then the fraction
            ts = sec + iface.offset + frac / iface.units
            self._last_ts = ts
            self._last_sec = int(ts)
        out.append(Record(ts, iface.linktype, bytes(self._buf[start : start + n]), ifid))

    def _read_epb(self, body: int, end: int, out: list[Record]) -> None:
        if end - body < 20:
            self.stats.errors += 1
            return
        ifid, hi, lo, caplen, _orig = self._epb.unpack_from(self._buf, body)
        if body + 20 + caplen > end:
            self.stats.errors += 1
            return
        self._emit(out, ifid, (hi << 32) | lo, body + 20, caplen)

    def _read_opb(self, body: int, end: int, out: list[Record]) -> None:
        if end - body < 20:
            self.stats.errors += 1
            return
        ifid, _drops, hi, lo, caplen, _orig = struct.unpack_from(
            self._endian + "HHIIII", self._buf, body
        )
        if body + 20 + caplen > end:
            self.stats.errors += 1
            return
        self._emit(out, ifid, (hi << 32) | lo, body + 20, caplen)

    def _read_spb(self, body: int, end: int, out: list[Record]) -> None:
        if end - body < 4 or not self._ifaces:
            self.stats.errors += 1
            return
        orig = self._u32.unpack_from(self._buf, body)[0]
        snap = self._ifaces[0].snaplen or orig
        self._emit(out, 0, None, body + 4, min(orig, snap, end - body - 4))
