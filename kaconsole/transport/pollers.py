"""The one poll loop, over any Runner: addresses and services every tick, dump and config slower,
and what the node resolves each VIP to: slowly, and every tick for a while after a transition.

Real nodes (an SSH runner) and the demo's simulated nodes (a runner onto the simulated world)
run this same loop; they differ only in the runner and the clock. A poll is rescheduled when the
last one finished, so polls never overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.inventory.model import Node
from kaconsole.core.polls.dump import dump_files
from kaconsole.transport import remote_commands as commands
from kaconsole.transport.configfetch import ConfigUnreadable, fetch_config
from kaconsole.transport.ingest import NO_JSON_STATUS, Ingest
from kaconsole.transport.runner import Completed, Runner


class Disconnected(Exception):
    """The runner went away under a poll; the session restarts everything."""


@dataclass(frozen=True, slots=True)
class PollSettings:
    """Intervals in the session clock's seconds (virtual seconds in the demo)."""

    poll_interval: float = 1.0
    dump_interval: float = 30.0
    config_interval: float = 60.0
    command_timeout: float = 10.0
    neighbour_interval: float = 30.0
    #: After a transition, the VIP's neighbours are asked every tick for this long.
    neighbour_burst: float = 15.0


_IFNAME = re.compile(r"[A-Za-z0-9_.:@-]{1,15}")


def neighbour_targets(config: KeepalivedConfig) -> tuple[tuple[str, str], ...]:
    """(VIP, interface) of each IPv4 VIP: only a plain address and interface name go into a
    command (the VIP's own `dev`, else the instance's interface)."""
    out: dict[tuple[str, str], None] = {}
    for inst in config.instances:
        for vip in inst.virtual_ipaddress:
            dev = vip.dev or inst.interface
            with contextlib.suppress(ValueError):
                v4 = ipaddress.ip_address(vip.address).version == 4
                if dev and v4 and _IFNAME.fullmatch(dev):
                    out[(vip.address, dev)] = None
    return tuple(out)


class Poller:
    """Polls one node while its runner is there; `now` is the interval clock, and `speed` scales
    waits (the demo's world runs `speed` times as fast as the event loop)."""

    def __init__(self, node: Node, runner: Callable[[], Runner | None], ingest: Ingest,
                 settings: PollSettings, now: Callable[[], float], speed: float = 1.0) -> None:
        self.node = node
        self._runner = runner
        self._ingest = ingest
        self._settings = settings
        self._now = now
        self._speed = speed
        self._refresh = asyncio.Event()  # wakes the loop
        self._full = False  # the next tick re-reads dump and config too
        #: Where the node's keepalived.conf says the dumps go (learnt at each config read).
        self._dump_files = dump_files(None)
        self._neighbour_targets: tuple[tuple[str, str], ...] = ()
        self._burst_until = float("-inf")
        self._burst = False  # the next tick starts a burst of neighbour checks

    def check_neighbours(self) -> None:
        """A transition happened somewhere: ask the VIP's neighbours every tick for a while.

        Only flags it for the next tick: this runs inside the fact sink, where the clock must
        not be read (the demo's clock fires the very timers that are being delivered)."""
        self._burst = True

    def refresh(self) -> None:
        """Poll now (after an action) rather than at the next tick; re-reads dump and config too."""
        self._full = True
        self._refresh.set()

    async def run(self) -> None:
        """Poll until cancelled or the runner goes away."""
        with contextlib.suppress(Disconnected):
            await self._forever()

    async def _forever(self) -> None:
        settings = self._settings
        last_dump = last_config = last_neighbours = float("-inf")
        while True:
            now = self._now()
            forced, self._full = self._full, False
            if self._burst:
                self._burst, self._burst_until = False, now + settings.neighbour_burst
            self._refresh.clear()
            await self.poll_once()
            if forced or now - last_config >= settings.config_interval:
                await self.read_config()
                last_config = now
            if forced or now - last_dump >= settings.dump_interval:
                await self.read_dump()
                last_dump = now
            if now < self._burst_until or now - last_neighbours >= settings.neighbour_interval:
                await self.ask_neighbours()
                last_neighbours = now
            with contextlib.suppress(TimeoutError):
                # not wait_for: on 3.11 it can swallow a cancel that meets the timeout
                async with asyncio.timeout(settings.poll_interval / self._speed):
                    await self._refresh.wait()

    def _live(self) -> Runner:
        runner = self._runner()
        if runner is None:
            raise Disconnected
        return runner

    async def _run(self, command: str, privileged: bool = False) -> Completed:
        return await self._live().run(
            command, timeout=self._settings.command_timeout, privileged=privileged
        )

    async def poll_once(self) -> None:
        self._ingest.addresses((await self._run(commands.IP_ADDR)).stdout)
        for service in self.node.services:
            done = await self._run(commands.service_command(self.node, service, "status"))
            self._ingest.service(service, done.exit_status)

    async def ask_neighbours(self) -> None:
        for vip, interface in self._neighbour_targets:
            done = await self._run(commands.neighbour_command(vip, interface), privileged=True)
            self._ingest.neighbour(vip, done.exit_status, done.stdout)

    async def read_dump(self) -> None:
        json_files, data_files = self._dump_files
        done = await self._run(commands.dump_command("JSON", json_files), privileged=True)
        if done.exit_status == NO_JSON_STATUS:
            done = await self._run(commands.dump_command("DATA", data_files), privileged=True)
            self._ingest.dump(done.exit_status, done.stdout, data_format=True)
        else:
            self._ingest.dump(done.exit_status, done.stdout)

    async def read_config(self) -> None:
        try:
            config = await fetch_config(self._live(), self.node.keepalived_conf)
        except ConfigUnreadable as exc:
            self._ingest.channel("config", False, str(exc))
            return
        self._dump_files = dump_files(config)
        self._neighbour_targets = neighbour_targets(config)
        self._ingest.config(config)
