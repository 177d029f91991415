"""Helpers for the console's tests: the lab samples as facts, idle sessions, a recording runner.

The state comes from real keepalived 2.2.7 output captured on the lab (tests/data/lab); the
configs get a real-looking password back so tests can prove it never reaches the screen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import Advert
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ConfigObserved,
    DumpObserved,
    Fact,
    LogSeen,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Cluster, Node
from kaconsole.core.logs.parse import parse_line
from kaconsole.core.polls.addresses import parse_ip_addr
from kaconsole.core.polls.dump import parse_json_dump
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor, Sink
from kaconsole.transport.runner import Completed
from kaconsole.ui.app import KaConsoleApp, make_app
from kaconsole.ui.widgets.ring_pane import RingPane

LAB = Path(__file__).parents[1] / "data" / "lab"
SECRET = "s3cr3tPW"

CLUSTER_YAML = """
name: lab-sample
description: the lab's reference pair, from captured samples
nodes:
  - name: node1
    host: 203.0.113.11
  - name: node2
    host: 203.0.113.12
"""


def cluster(nodes: int = 2, *, sudo: bool = False) -> Cluster:
    if nodes == 2:
        extra = "ssh: {sudo: true}\n" if sudo else ""
        return parse_cluster(CLUSTER_YAML + extra, "lab-sample.yaml")
    names = "\n".join(
        f"  - name: node{i}\n    host: 203.0.113.{10 + i}" for i in range(1, nodes + 1)
    )
    return parse_cluster(f"name: big\nnodes:\n{names}\n", "big.yaml")


class RecordingRunner:
    """Stands in for SSH: records each command and exits with `exit_status`."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.commands: list[str] = []
        self.exit_status = 0
        self.stderr = ""

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        self.commands.append(command)
        return Completed(command, self.exit_status, "", self.stderr, 0.01)


class IdleSession:
    """A node session that never produces anything: the tests feed facts themselves."""

    def __init__(self, node: Node, sink: Sink) -> None:
        self.runner = RecordingRunner(node.name)
        self.refreshed = 0

    async def run(self) -> None:
        await asyncio.Event().wait()

    def refresh(self) -> None:
        self.refreshed += 1


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _when(fact: Fact) -> float:
    if isinstance(fact, LogSeen) and fact.event.ts is not None:
        return fact.event.ts.timestamp()
    return fact.advert.ts if isinstance(fact, AdvertSeen) else 0.0


def lab_facts(until: str = "2026-11-25T15:32:13", phase: str = "steady") -> list[Fact]:
    """The lab run up to `until`: configs, services, addresses, dumps and log lines."""
    end = _at(until)
    facts: list[Fact] = []
    for node in ("node1", "node2"):
        text = (LAB / f"{node}-keepalived.conf").read_text().replace("***", SECRET)
        config = parse_config(text, keep_source=True)
        facts.append(ConfigObserved.of(node, config, _at("2026-11-25T15:32:08")))
        facts.append(Reachability(node, True, _at("2026-11-25T15:32:08")))
        for n, line in enumerate((LAB / f"{node}-keepalived.log").read_text().splitlines(), 1):
            event = parse_line(line, line=n)
            if event is not None and event.ts is not None and event.ts.timestamp() <= end:
                facts.append(LogSeen(node, event))
    records = PcapStream().feed((LAB / "adverts.pcap").read_bytes())
    for advert in map(decode, records):
        if isinstance(advert, Advert) and advert.ts <= end:
            facts.append(AdvertSeen("node2", advert))  # captured on node2's eth1
    facts.sort(key=_when)
    at = end
    running = ServiceState.RUNNING
    if phase == "steady":
        dumps = {"node1": "node1-master", "node2": "node2-backup"}
        addrs = {"node1": "ip-addr-node1-master", "node2": "ip-addr-node2-backup"}
        services = {("node1", "nginx"): running, ("node1", "keepalived"): running}
    else:  # split brain: the VIP on both nodes
        dumps = {"node2": "node2-splitbrain"}
        addrs = {"node1": "ip-addr-splitbrain-node1", "node2": "ip-addr-splitbrain-node2"}
        services = {("node1", "nginx"): running, ("node1", "keepalived"): running}
    for (node, service), st in services.items():
        facts.append(ServiceObserved(node, service, st, at))
    facts += [ServiceObserved("node2", s, running, at) for s in ("nginx", "keepalived")]
    for node, name in addrs.items():
        facts.append(AddressesObserved(node, parse_ip_addr((LAB / f"{name}.json").read_text()), at))
    for node, name in dumps.items():
        dump = parse_json_dump((LAB / f"{name}.keepalived.json").read_text())
        facts.append(DumpObserved(node, dump, at))
    return facts


def monitor_with(facts: list[Fact], c: Cluster | None = None) -> ClusterMonitor:
    """A monitor on idle sessions that has folded `facts`."""
    monitor = ClusterMonitor(c or cluster(), IdleSession)
    for fact in facts:
        monitor.feed(fact)
    return monitor


def console(
    tmp_path: Path,
    facts: list[Fact] | None = None,
    *,
    read_only: bool = False,
    theme: str | None = None,
    sudo: bool = False,
) -> KaConsoleApp:
    monitor = monitor_with(lab_facts() if facts is None else facts, cluster(sudo=sudo))
    return make_app(
        monitor.cluster,
        monitor=monitor,
        cluster_file="tests/ui/lab-sample.yaml",
        read_only=read_only,
        theme=theme,
        audit=AuditLog(tmp_path / "audit.jsonl"),
        save_dir=tmp_path / "saved",
    )


async def until(pilot: Pilot[int], check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until `check()` holds (workers such as the monitor's never finish)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def runner(app: KaConsoleApp, node: str) -> RecordingRunner:
    session = app.monitor.sessions[node]
    assert isinstance(session, IdleSession)
    return session.runner


def doc_text(app: KaConsoleApp, pane: str) -> str:
    """The text of a document pane (config, what-if, command log): its lines of segments."""
    ring = app.main.query_one(f"#{pane}", RingPane)
    return "\n".join("".join(t for t, _ in line) for line in ring.visible_items)
