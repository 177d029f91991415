"""FleetMonitor: several clusters watched at once, for the fleet view and every cluster's header.

Each cluster keeps its own ClusterMonitor (sessions, reducer, rings), exactly as when it is
watched alone; the fleet only reads their coalesced states, keeps each one's digest (what a
fleet row shows, findings included) and hands readers one coalesced FleetUpdate whenever a
digest changed: an advert or a poll that changes nothing shown wakes no reader, and no cluster's
full view is computed unless its console is open.
Connections are shared through the transport's pool, so a node listed by two clusters is
connected to once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass

from kaconsole.core.insight.digest import ClusterDigest, digest_of
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor, SessionFactory
from kaconsole.engine.wakeups import Wakeups

SessionsFor = Callable[[Cluster], SessionFactory | None]


@dataclass(frozen=True, slots=True)
class FleetUpdate:
    #: Each cluster's latest digest, by its fleet name, in the order the clusters were given.
    clusters: Mapping[str, ClusterDigest]
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
        self._digests = {name: digest_of(m.state) for name, m in self.monitors.items()}
        self._changed_at = time.monotonic()
        self._wakeups = Wakeups()

    async def run(self) -> None:
        """Every cluster's sessions, and the fleet's reading of their states, until cancelled."""
        async with asyncio.TaskGroup() as group:
            for name, monitor in self.monitors.items():
                group.create_task(monitor.run(), name=f"fleet:{name}")
                group.create_task(self._follow(name, monitor), name=f"fleet-view:{name}")

    async def _follow(self, name: str, monitor: ClusterMonitor) -> None:
        async for state in monitor.states():
            self.observe(name, state)

    def observe(self, name: str, state: ClusterState) -> bool:
        """Take a cluster's new state: True when its digest changed (and readers were woken),
        False when nothing its row shows did."""
        digest = digest_of(state, self._count(name, state))
        if digest == self._digests[name]:
            return False
        self._digests[name] = digest
        self._changed_at = time.monotonic()
        self._wakeups.wake()
        return True

    def _count(self, name: str, state: ClusterState) -> int | None:
        """The cluster's configuration findings (its monitor recomputes them only when a
        configuration changed)."""
        found = self.monitors[name].findings(state)
        return None if found is None else len(found)

    def snapshot(self) -> FleetUpdate:
        return FleetUpdate(dict(self._digests), self._changed_at)

    async def updates(self) -> AsyncIterator[FleetUpdate]:
        """The fleet now, then again each time any cluster's digest changed (coalesced)."""
        async for _ in self._wakeups.each():
            yield self.snapshot()
