"""FleetMonitor: several clusters watched at once, for the fleet view and every cluster's header.

Each cluster keeps its own ClusterMonitor (sessions, reducer, rings), exactly as when it is
watched alone; the fleet only reads their coalesced updates, keeps each one's latest view and
configuration-finding count, and hands readers one coalesced FleetUpdate whenever any changed.
Connections are shared through the transport's pool, so a node listed by two clusters is
connected to once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass

from kaconsole.core.insight.view import ClusterView, view_of
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor, SessionFactory

SessionsFor = Callable[[Cluster], SessionFactory | None]


@dataclass(frozen=True, slots=True)
class FleetUpdate:
    #: Each cluster's latest view, by its fleet name, in the order the clusters were given.
    views: Mapping[str, ClusterView]
    #: Configuration findings per cluster; None until a node's configuration has been read.
    findings: Mapping[str, int | None]
    #: time.monotonic() of the newest state change in this update (for latency figures).
    changed_at: float


def fleet_names(clusters: Sequence[Cluster]) -> list[str]:
    """A unique name per cluster: its own, or `name (file)` when two files use one name."""
    counts: dict[str, int] = {}
    for c in clusters:
        counts[c.name] = counts.get(c.name, 0) + 1
    return [c.name if counts[c.name] == 1 else f"{c.name} ({c.path})" for c in clusters]


class FleetMonitor:
    def __init__(self, clusters: Sequence[Cluster], sessions: SessionsFor = lambda _: None,
                 *, log_capacity: int = 10_000, advert_capacity: int = 5_000) -> None:
        self.monitors: dict[str, ClusterMonitor] = {
            name: ClusterMonitor(c, sessions(c), log_capacity=log_capacity,
                                 advert_capacity=advert_capacity)
            for name, c in zip(fleet_names(clusters), clusters, strict=True)
        }
        self._views = {name: view_of(m.state) for name, m in self.monitors.items()}
        self._changed_at = time.monotonic()
        self._waiters: set[asyncio.Event] = set()

    async def run(self) -> None:
        """Every cluster's sessions, and the fleet's reading of their updates, until cancelled."""
        async with asyncio.TaskGroup() as group:
            for name, monitor in self.monitors.items():
                group.create_task(monitor.run(), name=f"fleet:{name}")
                group.create_task(self._follow(name, monitor), name=f"fleet-view:{name}")

    async def _follow(self, name: str, monitor: ClusterMonitor) -> None:
        async for update in monitor.updates():
            if update.view is self._views[name]:
                continue
            self._views[name] = update.view
            self._changed_at = time.monotonic()
            for event in self._waiters:
                event.set()

    def _count(self, name: str, state: ClusterState) -> int | None:
        """The cluster's configuration findings (its monitor recomputes them only when a
        configuration changed)."""
        found = self.monitors[name].findings(state)
        return None if found is None else len(found)

    def snapshot(self) -> FleetUpdate:
        views = dict(self._views)
        findings = {name: self._count(name, v.state) for name, v in views.items()}
        return FleetUpdate(views, findings, self._changed_at)

    async def updates(self) -> AsyncIterator[FleetUpdate]:
        """The fleet now, then again each time any cluster's view changed (coalesced)."""
        event = asyncio.Event()
        event.set()
        self._waiters.add(event)
        try:
            while True:
                await event.wait()
                event.clear()
                yield self.snapshot()
        finally:
            self._waiters.discard(event)
