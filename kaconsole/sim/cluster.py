"""`kaconsole demo`'s cluster: a simulated world of keepalived + nginx nodes and their sessions.

Each `SimSession` feeds the simulated node's log lines, capture bytes and command output through
the same ingest and poll loop as a real node over SSH: the demo simulates keepalived, not the
console (DESIGN.md principle 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from collections.abc import AsyncIterator, Callable, Mapping
from importlib import resources

from kaconsole.core.facts import ProbeResult
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Cluster, Node, VipProbe
from kaconsole.sim.files import SimSpec
from kaconsole.sim.pacer import Pacer
from kaconsole.sim.runner import SimRunner
from kaconsole.sim.session import SimSession
from kaconsole.sim.world import SimWorld
from kaconsole.transport.ingest import Sink
from kaconsole.transport.pollers import PollSettings

#: How long a settled demo has run before anyone looks: past its startup election and adverts.
SETTLE_SECONDS = 15.0

#: The demo's cluster file: clusters/demo.yaml, carried in the wheel as `kaconsole.clusters`.
DEMO_RESOURCE = ("kaconsole.clusters", "demo.yaml")


def demo_cluster() -> tuple[Cluster, str]:
    """The built-in demo cluster and where it was read from (for help and reports)."""
    package, name = DEMO_RESOURCE
    source = resources.files(package) / name
    where = f"built-in {name}"
    return parse_cluster(source.read_text("utf-8"), where), where


def demo_specs(cluster: Cluster, skew: Mapping[str, float] | None = None) -> list[SimSpec]:
    """The reference pair for the inventory's nodes: 120 (`state MASTER`), then 100, 80, ...;
    `skew` sets a node's clock that many seconds ahead (negative: behind) of the console's."""
    specs = []
    for i, node in enumerate(cluster.nodes):
        mac = bytes([0x52, 0x54, 0x00, 0x4B, 0x41, 0x11 + i])
        eui64 = bytes([mac[0] ^ 2, *mac[1:3], 0xFF, 0xFE, *mac[3:]])
        specs.append(
            SimSpec(
                name=node.name,
                address=f"192.168.10.{11 + i}",
                mac=mac,
                link_local=str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui64)),
                priority=max(120 - 20 * i, 1),
                state="MASTER" if i == 0 else "BACKUP",
                router_id="LVS_MASTER" if i == 0 else ("LVS_BACKUP" if i == 1 else f"LVS_{i + 1}"),
                conf_path=node.keepalived_conf,
                clock_skew=(skew or {}).get(node.name, 0.0),
            )
        )
    return specs


class DemoCluster:
    """A `SessionFactory` over one simulated world; `world` is there for drills' knobs
    (`block_vrrp`, a node's `script_status`, `kill_keepalived`)."""

    def __init__(self, cluster: Cluster, *, speed: float = 1.0,
                 clock: Callable[[], float] = time.time,
                 settings: PollSettings | None = None, settled: bool = False,
                 skew: Mapping[str, float] | None = None) -> None:
        start = clock() - (SETTLE_SECONDS if settled else 0.0)
        self.world = SimWorld(demo_specs(cluster, skew), start)
        self.pacer = Pacer(self.world, speed)
        self.settings = settings or PollSettings()
        self._users = 0
        self._booted = settled
        if settled:  # like a lab that has been up a while: the election is over, logged
            self.world.boot()
            self.world.advance(SETTLE_SECONDS)
        self._task: asyncio.Task[None] | None = None

    def clock(self) -> float:
        """The console's clock in the demo: the world's, which its sessions stamp facts with."""
        return self.pacer.stamp()

    def __call__(self, node: Node, sink: Sink) -> SimSession:
        return SimSession(node, sink, self)

    async def probe(self, spec: VipProbe) -> ProbeResult:
        """HTTP through the demo's VIP, answered by the simulated nginx that holds it: the
        demo never sends a packet (its `vip.demo` is not a real name)."""
        at = self.clock()
        who = self.world.vip_server()
        if who is None:
            return ProbeResult(spec.url, False, at, 0.001, error="no route to host")
        return ProbeResult(spec.url, True, at, 0.001, 200, f"{who}\n")

    @contextlib.asynccontextmanager
    async def open_runner(self, node: Node) -> AsyncIterator[SimRunner]:
        """A runner on the simulated node, as `kaconsole check` opens one over SSH."""
        async with self.running():
            yield SimRunner(node, self.world.nodes[node.name], self.pacer)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The world runs while a session does; the first one boots the nodes."""
        if not self._booted:
            self.world.boot()
            self._booted = True
        if self._task is None:
            self._task = asyncio.create_task(self.pacer.run(), name="demo:world")
        self._users += 1
        try:
            yield
        finally:
            self._users -= 1
            if self._users == 0 and self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                self._task = None


def demo_sessions(cluster: Cluster, *, speed: float = 1.0,
                  clock: Callable[[], float] = time.time, settled: bool = False,
                  skew: Mapping[str, float] | None = None) -> DemoCluster:
    """Sessions for `cluster`'s nodes, played by simulated keepalived + nginx nodes; `settled`
    for the headless commands, which look at a cluster that is already up, as on the lab;
    `skew` puts nodes' clocks off the console's (`kaconsole demo --clock-skew node2=3`)."""
    return DemoCluster(cluster, speed=speed, clock=clock, settled=settled, skew=skew)
