"""`kaconsole demo`'s nodes: sessions onto a simulated world, fed through the real parsers.

A `SimSession` is what `NodeSession` is for a real node, with the SSH connection replaced by the
simulated node: keepalived's log lines go through `parse_line`, the capture's pcap bytes through
`PcapStream` and `decode`, and the pollers run the inventory's own commands on a `SimRunner`
whose output goes through `parse_ip_addr`, `service_state`, `parse_json_dump` and the config
fetcher. The demo simulates keepalived, not the console (DESIGN.md principle 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from kaconsole.core.advert import decode
from kaconsole.core.dump import DumpError, parse_json_dump
from kaconsole.core.events import Advert
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ChannelStatus,
    ConfigObserved,
    DumpObserved,
    Fact,
    LogSeen,
    ProbeResult,
    Reachability,
    ServiceObserved,
)
from kaconsole.core.inventory import Cluster, Node, VipProbe
from kaconsole.core.logparse import parse_line
from kaconsole.core.pcapstream import PcapStream
from kaconsole.core.polls import PollError, parse_ip_addr, service_state
from kaconsole.transport import commands
from kaconsole.transport.configfetch import ConfigUnreadable, fetch_config
from kaconsole.transport.runner import Completed
from kaconsole.transport.sim_files import SimSpec, ip_addr_json, keepalived_conf
from kaconsole.transport.sim_node import SimNode
from kaconsole.transport.sim_wire import pcap_header
from kaconsole.transport.sim_world import SimWorld

Sink = Callable[[Fact], None]
#: Seconds (virtual) between polls of addresses and services, dumps and config reads.
POLL_SECONDS, DUMP_SECONDS, CONFIG_SECONDS = 1.0, 30.0, 60.0
#: How often (real seconds) a command waiting on the world looks again.
_WAIT_STEP = 0.01


def demo_specs(cluster: Cluster) -> list[SimSpec]:
    """The reference pair for the inventory's nodes: 120 (`state MASTER`), then 100, 80, ..."""
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
            )
        )
    return specs


class Pacer:
    """Runs the world's virtual time `speed` times as fast as the event loop's clock."""

    def __init__(self, world: SimWorld, speed: float) -> None:
        if not speed > 0:
            raise ValueError(f"speed {speed}: expected a positive factor")
        self.world = world
        self.speed = speed
        self._anchor: tuple[float, float] | None = None  # (loop time, virtual time)
        self._wake = asyncio.Event()

    def now(self) -> float:
        """Virtual now, after firing every timer due by then."""
        if self._anchor is not None:
            real, virtual = self._anchor
            loop_now = asyncio.get_running_loop().time()
            self.world.run_until(virtual + (loop_now - real) * self.speed)
        return self.world.now()

    def poke(self) -> None:
        """Something was scheduled: look at the timers again."""
        self._wake.set()

    async def run(self) -> None:
        self._anchor = (asyncio.get_running_loop().time(), self.world.now())
        while True:
            now = self.now()
            due = self.world.next_due()
            self._wake.clear()
            delay = None if due is None else max(due - now, 0.0) / self.speed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)


class SimRunner:
    """Runs the node's inventory commands against the simulated node; anything else is 127."""

    def __init__(self, node: Node, sim: SimNode, pacer: Pacer) -> None:
        self.node = node.name
        self._sim, self._pacer = sim, pacer
        conf = sim.spec.conf_path
        table: dict[str, Callable[[], Awaitable[tuple[int, str]]]] = {
            commands.IP_ADDR: self._ip_addr,
            commands.DUMP_JSON: self._dump,
            commands.read_files_command([conf]): self._read(conf, keepalived_conf(sim.spec)),
        }
        services = {"nginx": self._nginx, "keepalived": self._keepalived}
        for service, act in services.items():
            if service in node.services:
                for action in ("start", "stop", "restart", "status"):
                    table[commands.service_command(node, service, action)] = _bind(act, action)
        self._table = table

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        handler = self._table.get(command)
        start = self._pacer.now()
        if handler is None:
            word = command.split(maxsplit=1)[0] if command.strip() else command
            return Completed(command, 127, "", f"bash: line 1: {word}: command not found\n", 0.0)
        try:
            async with asyncio.timeout(timeout):
                status, out = await handler()
        except TimeoutError:
            return Completed(command, None, "", "", timeout, timed_out=True)
        self._pacer.poke()
        return Completed(command, status, out, "", self._pacer.now() - start)

    async def _ip_addr(self) -> tuple[int, str]:
        return 0, ip_addr_json(self._sim.spec, self._sim.vip_set)

    async def _dump(self) -> tuple[int, str]:
        sim = self._sim
        if sim.pid is None or sim.stopping:
            return 3, ""
        sim.log(f"Printing VRRP as json for process({sim.pid + 1}) on signal")
        return 0, sim.dump()

    def _read(self, path: str, text: str) -> Callable[[], Awaitable[tuple[int, str]]]:
        async def read() -> tuple[int, str]:
            return 0, f"\n@@kaconsole-file@@ {path}\n{text}\n@@kaconsole-end@@ 0\n"

        return read

    async def _nginx(self, action: str) -> tuple[int, str]:
        sim = self._sim
        if action == "status":
            return (0, "active\n") if sim.nginx else (3, "inactive\n")
        if action in ("stop", "restart"):
            sim.stop_nginx()
        if action in ("start", "restart"):
            sim.start_nginx()
        return 0, ""

    async def _keepalived(self, action: str) -> tuple[int, str]:
        """systemctl waits for the unit: a stop returns once keepalived has exited."""
        sim = self._sim
        if action == "status":
            up = sim.running and not sim.stopping
            return (0, "active\n") if up else (3, "inactive\n")
        if action in ("stop", "restart"):
            sim.stop_keepalived()
            self._pacer.poke()
        while sim.stopping:
            await asyncio.sleep(_WAIT_STEP)
            self._pacer.now()
        if action in ("start", "restart"):
            sim.start_keepalived()
        return 0, ""


def _bind(
    act: Callable[[str], Awaitable[tuple[int, str]]], action: str
) -> Callable[[], Awaitable[tuple[int, str]]]:
    return lambda: act(action)


@dataclass(frozen=True, slots=True)
class SimSettings:
    poll_seconds: float = POLL_SECONDS
    dump_seconds: float = DUMP_SECONDS
    config_seconds: float = CONFIG_SECONDS


class SimSession:
    """One node of the demo, as the monitor sees it: facts from the same parsers as over SSH."""

    def __init__(self, node: Node, sink: Sink, demo: DemoCluster) -> None:
        self.node = node
        self._sink = sink
        self._demo = demo
        self._sim = demo.world.nodes[node.name]
        self.runner = SimRunner(node, self._sim, demo.pacer)
        self._refresh = asyncio.Event()
        self._stream = PcapStream()

    def refresh(self) -> None:
        self._refresh.set()

    async def run(self) -> None:
        async with self._demo.running():
            name = self.node.name
            self._emit(Reachability(name, True, self._demo.pacer.now()))
            for line in list(self._sim.lines)[-commands.REPLAY_LINES:]:
                self._line(line)
            self._sim.listeners.append(self._line)
            self._packets(pcap_header())
            unsubscribe = self._demo.world.subscribe_capture(name, self._packets)
            self._emit(ChannelStatus(name, "capture", True, self._demo.pacer.now()))
            try:
                await self._poll_forever()
            finally:
                self._sim.listeners.remove(self._line)
                unsubscribe()

    def _emit(self, fact: Fact) -> None:
        self._sink(fact)

    def _line(self, line: str) -> None:
        event = parse_line(line)
        if event is not None:
            self._emit(LogSeen(self.node.name, event))

    def _packets(self, data: bytes) -> None:
        for record in self._stream.feed(data):
            advert = decode(record)
            if isinstance(advert, Advert):
                self._emit(AdvertSeen(self.node.name, advert))

    async def _poll_forever(self) -> None:
        settings, pacer = self._demo.settings, self._demo.pacer
        last_dump = last_config = float("-inf")
        while True:
            now = pacer.now()
            forced = self._refresh.is_set()
            self._refresh.clear()
            await self._poll_once()
            if forced or now - last_config >= settings.config_seconds:
                await self._read_config()
                last_config = now
            if forced or now - last_dump >= settings.dump_seconds:
                await self._read_dump()
                last_dump = now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._refresh.wait(), settings.poll_seconds / pacer.speed)

    async def _poll_once(self) -> None:
        name, clock = self.node.name, self._demo.pacer.now
        done = await self.runner.run(commands.IP_ADDR, timeout=10)
        try:
            self._emit(AddressesObserved(name, parse_ip_addr(done.stdout), clock()))
        except PollError as exc:
            self._emit(ChannelStatus(name, "addresses", False, clock(), f"ip -j addr: {exc}"))
        for service in self.node.services:
            command = commands.service_command(self.node, service, "status")
            done = await self.runner.run(command, timeout=10)
            self._emit(ServiceObserved(name, service, service_state(done.exit_status), clock()))

    async def _read_dump(self) -> None:
        done = await self.runner.run(commands.DUMP_JSON, timeout=10, privileged=True)
        if done.exit_status != 0:
            return  # keepalived is not running: the service poller says so
        try:
            instances = parse_json_dump(done.stdout)
        except DumpError as exc:
            self._emit(ChannelStatus(self.node.name, "dump", False, self._demo.pacer.now(),
                                     str(exc)))
            return
        self._emit(DumpObserved(self.node.name, instances, self._demo.pacer.now()))

    async def _read_config(self) -> None:
        try:
            config = await fetch_config(self.runner, self.node.keepalived_conf)
        except ConfigUnreadable as exc:
            self._emit(ChannelStatus(self.node.name, "config", False, self._demo.pacer.now(),
                                     str(exc)))
            return
        self._emit(ConfigObserved.of(self.node.name, config, self._demo.pacer.now()))


class DemoCluster:
    """A `SessionFactory` over one simulated world; `world` is there for drills' knobs
    (`block_vrrp`, a node's `script_status`, `kill_keepalived`)."""

    def __init__(self, cluster: Cluster, *, speed: float = 1.0,
                 clock: Callable[[], float] = time.time,
                 settings: SimSettings | None = None) -> None:
        self.world = SimWorld(demo_specs(cluster), clock())
        self.pacer = Pacer(self.world, speed)
        self.settings = settings or SimSettings()
        self._users = 0
        self._booted = False
        self._task: asyncio.Task[None] | None = None

    def __call__(self, node: Node, sink: Sink) -> SimSession:
        return SimSession(node, sink, self)

    async def probe(self, spec: VipProbe) -> ProbeResult:
        """HTTP through the demo's VIP, answered by the simulated nginx that holds it: the
        demo never sends a packet (its `vip.demo` is not a real name)."""
        who = self.world.vip_server()
        at = time.time()
        if who is None:
            return ProbeResult(spec.url, False, at, 0.001, error="no route to host")
        return ProbeResult(spec.url, True, at, 0.001, 200, f"{who}\n")

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
                  clock: Callable[[], float] = time.time) -> DemoCluster:
    """Sessions for `cluster`'s nodes, played by simulated keepalived + nginx nodes."""
    return DemoCluster(cluster, speed=speed, clock=clock)
