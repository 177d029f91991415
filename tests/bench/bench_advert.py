"""Advert decoding throughput: kaconsole's struct decoder vs scapy vs `tcpdump -r FILE -n`.

Run: python tests/bench/bench_advert.py [N]  (N adverts, default 200000). Prints figures only.
The capture is the real Ethernet samples of tests/data/pcap repeated N times over.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scapy.layers.l2 import Ether
from scapy.layers.vrrp import VRRP, VRRPv3

from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream, Record

PCAP_DIR = Path(__file__).parents[1] / "data" / "pcap"
SAMPLES = ("v2_pass.pcap", "v2_ah_ns.pcap", "v2_split_brain.pcap", "v2_unicast.pcap")


def sample_frames() -> list[bytes]:
    frames = []
    for name in SAMPLES:
        frames += [r.data for r in PcapStream().feed((PCAP_DIR / name).read_bytes())]
    return frames


def write_capture(path: Path, frames: list[bytes], n: int) -> None:
    with path.open("wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i in range(n):
            frame = frames[i % len(frames)]
            out.write(
                struct.pack("<IIII", 1_795_600_000 + i // 1000, i % 1000, len(frame), len(frame))
            )
            out.write(frame)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f} /s  ({seconds:.3f} s for {n:,})"


def scapy_decode(records: list[Record]) -> int:
    """What a scapy-based decoder would do: dissect, then read the advert fields."""
    found = 0
    for rec in records:
        pkt = Ether(rec.data)
        layer = pkt.getlayer(VRRP) or pkt.getlayer(VRRPv3)
        if layer is not None:
            _ = (layer.vrid, layer.priority, layer.addrlist)
            found += 1
    return found


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    frames = sample_frames()
    with tempfile.TemporaryDirectory(prefix="kcs-bench-") as tmp:
        path = Path(tmp) / "adverts.pcap"
        write_capture(path, frames, n)
        raw = path.read_bytes()
        print(
            f"capture: {n:,} records, {len(raw) / 1e6:.1f} MB ({len(frames)} real frames repeated)"
        )

        t0 = time.perf_counter()
        stream = PcapStream()
        records: list[Record] = []
        for i in range(0, len(raw), 65536):
            records += stream.feed(raw[i : i + 65536])
        t1 = time.perf_counter()
        print(f"pcapstream feed (64 KiB chunks): {rate(len(records), t1 - t0)}")

        t0 = time.perf_counter()
        decoded = [decode(r) for r in records]
        t1 = time.perf_counter()
        assert sum(d is not None for d in decoded) == n
        print(f"advert.decode (struct):          {rate(n, t1 - t0)}")

        sub = records[: min(n, 20_000)]
        t0 = time.perf_counter()
        found = scapy_decode(sub)
        t1 = time.perf_counter()
        print(f"scapy Ether() dissection:        {rate(len(sub), t1 - t0)}")
        if found != len(sub):
            print(f"  (scapy found VRRP in {found:,} of {len(sub):,}: AH-wrapped adverts missed)")

        tcpdump = shutil.which("tcpdump")
        if tcpdump:
            t0 = time.perf_counter()
            subprocess.run(
                [tcpdump, "-r", str(path), "-n"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )
            t1 = time.perf_counter()
            print(f"tcpdump -r FILE -n:              {rate(n, t1 - t0)}")
        else:
            print("tcpdump -r FILE -n:              (tcpdump not installed)")

        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kaconsole", "pcap", str(path), "--json"],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        t1 = time.perf_counter()
        print(f"kaconsole pcap FILE --json:      {rate(n, t1 - t0)}")


if __name__ == "__main__":
    main()
