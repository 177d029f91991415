"""`kaconsole pcap`: JSON lines in capture order, a table, exit 2 on unreadable input, stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scapy.layers.inet import IP
from scapy.layers.l2 import Ether
from scapy.layers.vrrp import VRRP
from scapy.packet import Packet
from scapy.utils import wrpcap

from kaconsole import cli

PCAP_DIR = Path(__file__).parents[2] / "data" / "pcap"
ADVERT_KEYS = {"ts", "src", "dst", "version", "vrid", "priority", "advert_int", "auth_type"}
ADVERT_KEYS |= {"addresses", "ttl"}


@pytest.fixture(autouse=True)
def _only_pcap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("pcap",))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(["pcap", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_lines_in_capture_order(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(PCAP_DIR / "v2_split_brain.pcap"), "--json")
    assert (status, err) == (0, "")
    objs = [json.loads(line) for line in out.splitlines()]
    assert len(objs) == 9
    assert [o["ts"] for o in objs] == sorted(o["ts"] for o in objs)
    assert {o["src"] for o in objs} == {"192.0.2.11", "192.0.2.12"}
    assert all(set(o) == ADVERT_KEYS for o in objs)
    assert objs[0] == {
        "ts": 1795621196.780949,
        "src": "192.0.2.11",
        "dst": "224.0.0.18",
        "version": 2,
        "vrid": 51,
        "priority": 120,
        "advert_int": 1.0,
        "auth_type": "none",
        "addresses": ["192.0.2.100", "192.0.2.101"],
        "ttl": 255,
    }


def test_pcapng_ah_and_v3(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(PCAP_DIR / "v2_ah_ns.pcapng"), "--json")
    assert {json.loads(line)["auth_type"] for line in out.splitlines()} == {"ah"}
    _, out, _ = run(capsys, str(PCAP_DIR / "v3_ipv4_sll2.pcapng"), "--json")
    assert {json.loads(line)["advert_int"] for line in out.splitlines()} == {0.5}


def test_password_never_printed(capsys: pytest.CaptureFixture[str]) -> None:
    for extra in (["--json"], []):
        status, out, err = run(capsys, str(PCAP_DIR / "v2_pass.pcap"), *extra)
        assert status == 0
        assert "s3cretPW" not in out + err
    _, out, _ = run(capsys, str(PCAP_DIR / "v2_pass.pcap"), "--json")
    prints = {json.loads(line)["auth_fingerprint"] for line in out.splitlines()}
    assert len(prints) == 1  # same password, same fingerprint: comparable, not revealed


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(PCAP_DIR / "v3_ipv6_sll.pcap"))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    header = ["time", "src", "dst", "ver", "vrid", "prio", "int", "auth", "addresses"]
    assert lines[0].split() == [*header, "problems"]
    assert len(lines) == 6
    assert "ff02::12" in lines[1]
    assert "2001:db8::100" in lines[1]


def test_problems_and_bad_packets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def frame(ttl: int, payload: Packet | bytes) -> Packet:
        return Ether() / IP(src="192.0.2.11", dst="224.0.0.18", ttl=ttl, proto=112) / payload

    good = frame(255, VRRP(addrlist=["192.0.2.9"]))
    low_ttl = frame(64, VRRP(addrlist=["192.0.2.9"]))
    bad_version = frame(255, b"\x41" * 8)
    path = tmp_path / "crafted.pcap"
    wrpcap(str(path), [good, low_ttl, bad_version, good])
    status, out, _ = run(capsys, str(path), "--json")
    assert status == 0
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o.get("problems") for o in objs] == [None, ["ttl 64, must be 255"], None, None]
    assert set(objs[2]) == {"ts", "src", "dst", "error"}
    assert objs[2]["error"] == "bad version 4"
    status, out, _ = run(capsys, str(path))
    assert "ttl 64, must be 255" in out
    assert "error: bad version 4" in out


def test_truncated_file_prints_what_was_decoded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    raw = (PCAP_DIR / "v2_prio0_stop.pcap").read_bytes()
    path = tmp_path / "cut.pcap"
    path.write_bytes(raw[:-30])
    status, out, err = run(capsys, str(path), "--json")
    assert status == 0
    assert len(out.splitlines()) == 5
    assert "truncated" in err


def test_garbage_in_the_middle_warns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = (PCAP_DIR / "v2_pass.pcap").read_bytes()
    path = tmp_path / "damaged.pcap"
    path.write_bytes(raw[:24] + b"\xff" * 40 + raw[24:])
    status, out, err = run(capsys, str(path), "--json")
    assert status == 0
    assert len(out.splitlines()) == 5
    assert "malformed" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"", "not a pcap or pcapng capture"),
        (b"Tue Nov 24 16:13:10 2026: (VI_1) Entering MASTER STATE\n", "not a pcap"),
    ],
)
def test_unreadable_input_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "input.pcap"
    if content is not None:
        path.write_bytes(content)
    status, out, err = run(capsys, str(path), "--json")
    assert (status, out) == (2, "")
    assert err.startswith(f"kaconsole: error: {path}: ")
    assert message in err
    assert err.count("\n") == 1  # one line, no traceback


def test_directory_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, str(tmp_path))
    assert status == 2
    assert "directory" in err


def test_stdin_streams() -> None:
    raw = (PCAP_DIR / "v3_ipv4_sll2.pcap").read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kaconsole", "pcap", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    # the first records arrive while stdin is still open: output must not wait for EOF
    proc.stdin.write(raw[:200])
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())
    assert first["version"] == 3
    proc.stdin.write(raw[200:])
    proc.stdin.close()
    rest = proc.stdout.read().decode().splitlines()
    assert proc.wait(timeout=30) == 0
    assert len(rest) + 1 == 8
