"""Log lines from nodes whose clocks are off the console's, each arriving after a delay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.facts import ConfigObserved, Fact, LogSeen, Reachability, ServiceObserved
from kaconsole.core.facts import ServiceState as Svc
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.facts import SPECS, T0, at

NODES = [("node1", "198.18.1.11"), ("node2", "198.18.1.12")]


def line(node: str, s: float, ahead: float, delay: float, kind: LogKind = LogKind.OTHER,
         instance: str | None = "VI_1", **fields: Any) -> LogSeen:
    """A line written `s` s into the run (the console's clock) by a node whose clock reads
    `ahead` s later than the console's, received `delay` s after it was written."""
    stamp = T0 + timedelta(seconds=s + ahead)
    event = LogEvent(kind, f"({instance}) {kind.value}", stamp, node, 1, instance, None, fields)
    return LogSeen(node, event, at(s) + delay)


def settled(ahead: dict[str, float], delay: float = 0.05, lines: int = 5) -> ClusterState:
    """The pair up and polled, node1 MASTER, and `lines` lines from each node to measure by."""
    facts: list[Fact] = []
    for node, _ in NODES:
        facts += [ConfigObserved(node, (SPECS[node],), at(0)), Reachability(node, True, at(0)),
                  ServiceObserved(node, "nginx", Svc.RUNNING, at(0)),
                  ServiceObserved(node, "keepalived", Svc.RUNNING, at(0))]
    facts += [line("node1", 1, ahead["node1"], delay, LogKind.STATE, state="MASTER"),
              line("node2", 1, ahead["node2"], delay, LogKind.STATE, state="BACKUP")]
    facts += [line(n, 2 + k + 0.137, ahead[n], delay) for k in range(lines) for n in ahead]
    return fold(initial_state("lab", NODES), facts)
