"""The demo's Runner: the inventory's own commands, answered by a simulated node."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from kaconsole.core.inventory.model import Node
from kaconsole.sim.files import ip_addr_json, keepalived_conf
from kaconsole.sim.node import SimNode
from kaconsole.sim.pacer import Pacer
from kaconsole.transport import remote_commands as commands
from kaconsole.transport.runner import Completed

#: How often (real seconds) a command waiting on the world looks again.
_WAIT_STEP = 0.01


class SimRunner:
    """Runs the node's inventory commands against the simulated node; anything else is 127."""

    def __init__(self, node: Node, sim: SimNode, pacer: Pacer) -> None:
        self.node = node.name
        self._sim, self._pacer = sim, pacer
        conf = sim.spec.conf_path
        table: dict[str, Callable[[], Awaitable[tuple[int, str]]]] = {
            commands.IP_ADDR: self._ip_addr,
            commands.DUMP_JSON: self._dump,
        }
        services = {"nginx": self._nginx, "keepalived": self._keepalived}
        for service, act in services.items():
            if service in node.services:
                for action in ("start", "stop", "restart", "status"):
                    table[commands.service_command(node, service, action)] = _bind(act, action)
        self._table = table
        self._conf = conf, keepalived_conf(sim.spec)

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        handler = self._table.get(command) or self._read(command)
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

    def _read(self, command: str) -> Callable[[], Awaitable[tuple[int, str]]] | None:
        """A configuration read: the node's keepalived.conf exists, nothing else does."""
        request = commands.read_request(command)
        if request is None:
            return None
        nonce, paths, globs = request
        path, text = self._conf
        out = "".join(commands.frame(nonce, "file", p, 0 if p == path else 1,
                                     text if p == path else "") for p in paths)
        out += "".join(commands.frame(nonce, "glob", g, 0, "") for g in globs)

        async def read() -> tuple[int, str]:
            return 0, out

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
