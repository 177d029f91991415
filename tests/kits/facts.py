"""Facts for the reducer: the reference pair's sequences and the lab's recorded logs."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import Advert, LogEvent, LogKind
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ConfigObserved,
    Fact,
    InstanceSpec,
    LogSeen,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.logs.parse import parse_lines
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold

T0 = datetime(2026, 11, 24, 16, 13, 0)

VIP = "192.0.2.100"

ADDR = {"node1": "192.0.2.11", "node2": "192.0.2.12"}

SPECS = {
    "node1": InstanceSpec("VI_1", 51, 120, vips=(VIP,)),
    "node2": InstanceSpec("VI_1", 51, 100, vips=(VIP,)),
}

def at(seconds: float) -> float:
    return (T0 + timedelta(seconds=seconds)).timestamp()

def log(node: str, s: float, kind: LogKind, instance: str | None = "VI_1", **fields: Any) -> Fact:
    return LogSeen(
        node, LogEvent(kind, "...", T0 + timedelta(seconds=s), node, 1, instance, None, fields)
    )

def entered(node: str, s: float, state: str) -> Fact:
    return log(node, s, LogKind.STATE, state=state)

def addrs(node: str, s: float, vip: bool) -> Fact:
    extra = {VIP} if vip else set()
    return AddressesObserved(node, frozenset({ADDR[node], *extra}), at(s))

def advert(node: str, s: float, src: str, priority: int) -> Fact:
    adv = Advert(at(s), ADDR[src], "224.0.0.18", 2, 51, priority, 1.0, "simple", (VIP,), 255)
    return AdvertSeen(node, adv)

def started_pair() -> ClusterState:
    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    facts: list[Fact] = []
    for node in ("node1", "node2"):
        facts += [
            ConfigObserved(node, (SPECS[node],), at(0)),
            Reachability(node, True, at(0)),
            ServiceObserved(node, "nginx", ServiceState.RUNNING, at(0)),
            ServiceObserved(node, "keepalived", ServiceState.RUNNING, at(0)),
            log(node, 0, LogKind.DAEMON, None, action="start"),
            entered(node, 0.1, "BACKUP"),
        ]
    facts += [
        entered("node1", 3.7, "MASTER"),
        addrs("node1", 3.8, True),
        addrs("node2", 3.8, False),
    ]
    facts += [advert(n, 4 + k, "node1", 120) for k in range(3) for n in ("node1", "node2")]
    return fold(state, facts)


def lab_facts(data_dir: Path) -> list[Fact]:
    facts: list[tuple[float, int, Fact]] = []
    for node in ("node1", "node2"):
        conf = parse_config((data_dir / "lab" / f"{node}-keepalived.conf").read_text())
        facts.append((0.0, 0, ConfigObserved.of(node, conf, 0.0)))
        lines = (data_dir / "lab" / f"{node}-keepalived.log").read_text().splitlines()
        for event in parse_lines(lines):
            assert event.ts is not None
            facts.append((event.ts.timestamp(), event.line or 0, LogSeen(node, event)))
    facts.sort(key=lambda f: (f[0], f[1]))
    return [f for _, _, f in facts]

def folded(data_dir: Path) -> tuple[ClusterState, list[Fact]]:
    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    facts = lab_facts(data_dir)
    return fold(state, facts), facts


def console_facts(data_dir: Path, scenario: str, nodes: str) -> list[Fact]:
    facts: list[tuple[float, int, Fact]] = []
    for n in nodes:
        text = (data_dir / "logs" / f"console-{scenario}-{n}.log").read_text()
        for ev in parse_lines(text.splitlines()):
            assert ev.ts is not None
            facts.append((ev.ts.timestamp(), ev.line or 0, LogSeen(n, ev)))
    facts.sort(key=lambda f: (f[0], f[1]))
    return [f for _, _, f in facts]


def unicast_conf(peer: str | None, src: str | None) -> str:
    uni = ""
    if peer:
        uni = f" unicast_src_ip {src}\n" if src else ""
        uni += f" unicast_peer {{\n {peer}\n }}\n"
    return (
        "vrrp_instance VI_1 {\n interface eth1\n virtual_router_id 51\n priority 100\n"
        f"{uni} virtual_ipaddress {{\n 192.0.2.100\n }}\n}}\n"
    )
