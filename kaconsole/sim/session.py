"""One demo node as the monitor sees it: the simulated node's bytes through the real ingest and
the real poll loop (`transport.ingest`, `transport.pollers`); only the byte source differs."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from kaconsole.core.inventory.model import Node
from kaconsole.sim.pacer import Pacer
from kaconsole.sim.runner import SimRunner
from kaconsole.sim.wire import pcap_header
from kaconsole.sim.world import SimWorld
from kaconsole.transport import remote_commands as commands
from kaconsole.transport.ingest import Ingest, Sink
from kaconsole.transport.pollers import Poller, PollSettings


class DemoHost(Protocol):
    """What a session needs of the demo cluster that made it."""

    world: SimWorld
    pacer: Pacer
    settings: PollSettings

    def running(self) -> AbstractAsyncContextManager[None]: ...


class SimSession:
    """`NodeSession` for a simulated node: the SSH connection replaced by the simulated one."""

    def __init__(self, node: Node, sink: Sink, demo: DemoHost) -> None:
        self.node = node
        self._demo = demo
        self._sim = demo.world.nodes[node.name]
        pacer = demo.pacer
        self.runner = SimRunner(node, self._sim, pacer)
        self._ingest = Ingest(node.name, sink, pacer.stamp)
        self._poller = Poller(node, lambda: self.runner, self._ingest, demo.settings, pacer.now,
                              pacer.speed)

    def refresh(self) -> None:
        self._poller.refresh()

    def check_neighbours(self) -> None:
        self._poller.check_neighbours()

    async def run(self) -> None:
        async with self._demo.running():
            self._ingest.reachable(True)
            self._ingest.log_lines(list(self._sim.lines)[-commands.REPLAY_LINES:], history=True)
            self._sim.listeners.append(self._line)
            self._ingest.capture(pcap_header())
            unsubscribe = self._demo.world.subscribe_capture(self.node.name, self._ingest.capture)
            self._ingest.channel("capture", True)
            try:
                await self._poller.run()
            finally:
                self._sim.listeners.remove(self._line)
                unsubscribe()

    def _line(self, line: str) -> None:
        self._ingest.log_lines([line])
