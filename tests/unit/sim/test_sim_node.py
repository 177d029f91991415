"""The simulated keepalived under a fake clock: the reference failure and recovery with exact
timings from core.vrrp, the lab's log sequences, weights, split brain, and a dead node."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from kaconsole.core.events import Advert, LogKind
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.logs.parse import parse_line
from kaconsole.core.polls.addresses import parse_ip_addr
from kaconsole.core.vrrp.timers import master_down_interval, skew_time
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream
from kaconsole.sim.cluster import demo_specs
from kaconsole.sim.files import SimSpec, ip_addr_json
from kaconsole.sim.node import SCRIPT_STOP_SECONDS, STOP_SECONDS
from kaconsole.sim.wire import pcap_header
from kaconsole.sim.world import LINK_DELAY, SimWorld

ROOT = Path(__file__).resolve().parents[3]
T0 = 1795620728.0  # Wed Nov 25 2026, as the lab's samples
DOWN_120 = master_down_interval(120, 1, 2)  # 3.53125
DOWN_100 = master_down_interval(100, 1, 2)  # 3.609375
SKEW_100 = skew_time(100, 1, 2)  # 0.609375
#: The kinds that carry the state machine; GARP repeats and banner lines are left out.
KEY_KINDS = {"state", "advert_zero", "sent_zero", "advert_timeout", "daemon", "script",
             "advert_higher", "advert_lower", "vips", "priority"}


class Recorder:
    """A world of the demo's specs, with every line and entered state recorded with its time."""

    def __init__(self, specs: list[SimSpec] | None = None) -> None:
        self.world = SimWorld(specs or demo_specs(load_cluster(ROOT / "clusters/demo.yaml")), T0)
        self.lines: list[tuple[str, float, str]] = []
        self.adverts: list[Advert] = []
        self._stream = PcapStream()
        self._stream.feed(pcap_header())
        for name, node in self.world.nodes.items():
            node.listeners.append(functools.partial(self._line, name))
        self.world.subscribe_capture("node2", self._packets)

    def _line(self, node: str, line: str) -> None:
        self.lines.append((node, self.world.now(), line))

    def _packets(self, data: bytes) -> None:
        for record in self._stream.feed(data):
            advert = decode(record)
            assert isinstance(advert, Advert), advert
            self.adverts.append(advert)

    def entered(self, node: str, state: str) -> list[float]:
        """Times (seconds after T0) at which `node` logged `Entering <state> STATE`."""
        return [round(at - T0, 6) for n, at, line in self.lines
                if n == node and f"Entering {state} STATE" in line]

    def first(self, node: str, text: str) -> float:
        return next(round(at - T0, 6) for n, at, line in self.lines if n == node and text in line)

    def key_sequence(self, node: str) -> list[tuple[str, str]]:
        return collapse(line for n, _, line in self.lines if n == node)

    def settle(self) -> None:
        self.world.boot()
        self.world.advance(6.0)


def collapse(lines: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, state or action) of the key lines, consecutive repeats collapsed."""
    seq = []
    for line in lines:
        event = parse_line(line)
        if event is not None and event.kind.value in KEY_KINDS:
            seq.append((event.kind.value, str(event.fields.get("state") or
                                              event.fields.get("action") or "")))
    return [k for k, _ in itertools.groupby(seq)]


def holders(world: SimWorld) -> list[str]:
    """Who has the VIP, read as the console does: from `ip -j addr`."""
    return [name for name, node in world.nodes.items()
            if node.spec.vip in parse_ip_addr(ip_addr_json(node.spec, node.vip_set))]


def test_startup_the_highest_priority_becomes_master_after_its_master_down_interval() -> None:
    rec = Recorder()
    rec.settle()
    assert rec.entered("node1", "BACKUP") == [0.0]
    assert rec.entered("node1", "MASTER") == [pytest.approx(DOWN_120)]
    assert rec.entered("node2", "MASTER") == []
    assert holders(rec.world) == ["node1"]
    # adverts every advert_int from the MASTER, each a moment on the wire
    times = [round(a.ts - T0, 6) for a in rec.adverts]
    assert times[:3] == pytest.approx([DOWN_120 + LINK_DELAY + k for k in range(3)])
    assert {(a.src, a.priority, a.ttl, a.auth_type, a.addresses) for a in rec.adverts} == {
        ("192.168.10.11", 120, 255, "simple", ("192.168.10.100",))}


def test_reference_failure_priority_zero_then_takeover_after_the_skew() -> None:
    rec = Recorder()
    rec.settle()  # t = 6: node1 MASTER; its script runs at 0, 2, 4, 6, ...
    rec.world.nodes["node1"].stop_nginx()
    rec.world.advance(6.0)
    stop = 8.0 + SCRIPT_STOP_SECONDS  # the next script run finds nginx gone
    assert rec.first("node1", "Stopping") == pytest.approx(stop)
    assert rec.first("node1", "sent 0 priority") == pytest.approx(stop)
    assert rec.first("node2", "Backup received priority 0") == pytest.approx(stop + LINK_DELAY)
    assert rec.entered("node2", "MASTER") == [pytest.approx(stop + LINK_DELAY + SKEW_100)]
    assert rec.first("node1", "Stopped Keepalived") == pytest.approx(stop + STOP_SECONDS)
    assert holders(rec.world) == ["node2"]
    assert rec.world.vip_server() == "node2"
    assert [a.priority for a in rec.adverts if a.src == "192.168.10.11"][-1] == 0
    node1 = rec.world.nodes["node1"]
    assert not node1.running
    assert node1.state == "STOP"


def test_recovery_node1_preempts_after_its_master_down_interval() -> None:
    rec = Recorder()
    rec.settle()
    node1 = rec.world.nodes["node1"]
    node1.stop_nginx()
    rec.world.advance(4.0)
    assert not node1.running
    node1.start_nginx()
    assert not node1.running  # nginx alone brings nothing back (REFERENCE.md)
    start = 10.0
    node1.start_keepalived()
    rec.world.advance(6.0)
    assert rec.entered("node1", "MASTER")[-1] == pytest.approx(start + DOWN_120)
    assert rec.entered("node2", "BACKUP")[-1] == pytest.approx(start + DOWN_120 + LINK_DELAY)
    assert any("received lower priority (100) advert from 192.168.10.12 - discarding" in line
               for n, _, line in rec.lines if n == "node1")
    assert any("Master received advert from 192.168.10.11 with higher priority 120, ours 100"
               in line for n, _, line in rec.lines if n == "node2")
    assert holders(rec.world) == ["node1"]


def _lab_sequence(name: str) -> list[tuple[str, str]]:
    """The lab's startup, reference failure and recovery (before its split brain, 15:32:22)."""
    lines = (ROOT / f"tests/data/lab/{name}-keepalived.log").read_text().splitlines()
    return collapse(line for line in lines if line[11:19] <= "15:32:22")


def test_the_log_follows_the_labs_real_sequence_through_failure_and_recovery() -> None:
    rec = Recorder()
    rec.settle()
    node1 = rec.world.nodes["node1"]
    node1.stop_nginx()
    rec.world.advance(4.0)
    node1.start_nginx()
    node1.start_keepalived()
    rec.world.advance(6.0)
    assert rec.key_sequence("node1") == _lab_sequence("node1")
    assert rec.key_sequence("node2") == _lab_sequence("node2")


def test_every_line_parses_as_keepalived_and_every_advert_decodes_clean() -> None:
    rec = Recorder()
    rec.settle()
    rec.world.nodes["node1"].script_status = 1
    rec.world.advance(3.0)
    rec.world.nodes["node1"].script_status = None
    rec.world.block_vrrp("node2", outbound=False)
    rec.world.advance(8.0)
    rec.world.unblock_vrrp("node2")
    rec.world.nodes["node1"].stop_nginx()
    rec.world.advance(5.0)
    rec.world.nodes["node2"].kill_keepalived()
    rec.world.advance(2.0)
    assert len(rec.lines) > 100
    assert len(rec.adverts) > 10
    for _, _, line in rec.lines:
        event = parse_line(line)
        assert event is not None, line
        assert event.ts is not None
    kinds = {parse_line(line).kind for _, _, line in rec.lines}  # type: ignore[union-attr]
    assert {LogKind.STATE, LogKind.PRIORITY, LogKind.SCRIPT, LogKind.ADVERT_HIGHER,
            LogKind.ADVERT_LOWER, LogKind.ADVERT_ZERO, LogKind.SENT_ZERO, LogKind.GARP,
            LogKind.ADVERT_TIMEOUT, LogKind.VIPS, LogKind.DAEMON} <= kinds
    assert all(a.problems == () for a in rec.adverts)


def test_a_failing_script_lowers_the_priority_to_a_tie_and_the_vip_stays() -> None:
    rec = Recorder()
    rec.settle()
    rec.world.nodes["node1"].script_status = 1
    rec.world.advance(10.0)
    texts = [line.split(": ", 1)[1] for n, _, line in rec.lines if n == "node1"]
    at = texts.index("Script `check_nginx` now returning 1")
    assert texts[at:at + 3] == [
        "Script `check_nginx` now returning 1",
        "VRRP_Script(check_nginx) failed (exited with status 1)",
        "(VI_CLUSTER) Changing effective priority from 120 to 100",
    ]
    assert rec.adverts[-1].priority == 100
    assert holders(rec.world) == ["node1"]  # a BACKUP does not take over on equal priority
    rec.world.nodes["node1"].script_status = None
    rec.world.advance(2.6)  # the script's next run (t = 18), then an advert
    texts = [line.split(": ", 1)[1] for n, _, line in rec.lines if n == "node1"]
    assert texts[texts.index("Script `check_nginx` now returning 0"):][:3] == [
        "Script `check_nginx` now returning 0",
        "VRRP_Script(check_nginx) succeeded",
        "(VI_CLUSTER) Changing effective priority from 100 to 120",
    ]
    assert rec.adverts[-1].priority == 120


def test_a_weight_below_the_tie_moves_the_vip_when_the_backup_times_out() -> None:
    specs = [replace(s, script_weight=-30) for s in
             demo_specs(load_cluster(ROOT / "clusters/demo.yaml"))]
    rec = Recorder(specs)
    rec.settle()
    rec.world.nodes["node1"].script_status = 1
    rec.world.advance(6.0)  # the script runs at t = 6: priority 90 from then on
    last_accepted = max(a.ts for a in rec.adverts if a.priority == 120) - T0
    assert rec.entered("node2", "MASTER") == [pytest.approx(last_accepted + DOWN_100)]
    assert any("Master received advert from 192.168.10.12 with higher priority 100, ours 90"
               in line for _, _, line in rec.lines)
    assert holders(rec.world) == ["node2"]


def test_blocked_vrrp_makes_a_split_brain_and_healing_ends_it() -> None:
    rec = Recorder()
    rec.settle()
    rec.world.block_vrrp("node2", outbound=False)  # node2 deaf: it no longer hears node1
    rec.world.advance(5.0)
    assert holders(rec.world) == ["node1", "node2"]
    assert {a.src for a in rec.adverts[-4:]} == {"192.168.10.11", "192.168.10.12"}
    assert any("with lower priority 100, ours 120, forcing new election" in line
               for n, _, line in rec.lines if n == "node1")
    rec.world.unblock_vrrp("node2")
    rec.world.advance(2.0)
    assert holders(rec.world) == ["node1"]


def test_a_killed_master_is_noticed_only_after_the_master_down_interval() -> None:
    rec = Recorder()
    rec.settle()
    last = max(a.ts for a in rec.adverts) - T0
    rec.world.nodes["node1"].kill_keepalived()
    rec.world.advance(5.0)
    assert rec.entered("node2", "MASTER") == [pytest.approx(last + DOWN_100)]
    assert not any("priority 0" in line for _, _, line in rec.lines)
    assert holders(rec.world) == ["node1", "node2"]  # SIGKILL leaves the VIP behind
    assert rec.world.vip_server() == "node2"  # its gratuitous ARPs came last
    rec.world.nodes["node2"].stop_nginx()
    assert rec.world.vip_server() is None
