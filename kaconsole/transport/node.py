"""A session per node: one SSH connection carrying the log follower, the capture, the pollers.

Everything a session learns goes out as facts (`core.facts`), in order, to one sink. When the
connection drops, the node is reported unreachable, and the session reconnects with backoff;
the log follower resumes where it stopped, without losing or repeating a line.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import asyncssh

from kaconsole.core.advert import decode
from kaconsole.core.dump import DumpError, dump_files, parse_data_dump, parse_json_dump
from kaconsole.core.events import Advert
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ChannelStatus,
    ConfigObserved,
    DumpObserved,
    Fact,
    LogSeen,
    Reachability,
    ServiceObserved,
)
from kaconsole.core.inventory import Node
from kaconsole.core.logparse import parse_line
from kaconsole.core.pcapstream import PcapStream
from kaconsole.core.polls import PollError, parse_ip_addr, service_state
from kaconsole.core.resume import MATCH_LINES, lines_after
from kaconsole.errors import SshError
from kaconsole.transport import commands
from kaconsole.transport.configfetch import ConfigUnreadable, fetch_config
from kaconsole.transport.retry import Backoff
from kaconsole.transport.ssh import SshRunner, as_privileged, connect

Sink = Callable[[Fact], None]

#: Exit statuses of a shell that could not find or run the command.
_MISSING = (126, 127)


class _Disconnected(Exception):
    """The connection went away under a poller; the session restarts everything."""


@dataclass(frozen=True, slots=True)
class SessionSettings:
    poll_interval: float = 1.0
    dump_interval: float = 30.0
    config_interval: float = 60.0
    command_timeout: float = 10.0
    #: A replay burst has ended when no line came for this long.
    replay_quiet: float = 0.3
    capture: bool = True


class NodeSession:
    def __init__(
        self,
        node: Node,
        sink: Sink,
        settings: SessionSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.node = node
        self._sink = sink
        self._settings = settings or SessionSettings()
        self._clock = clock
        self._delivered: deque[str] = deque(maxlen=MATCH_LINES)
        self._refresh = asyncio.Event()
        self.runner: SshRunner | None = None
        #: Where the node's keepalived.conf says the dumps go (read before the first dump).
        self._dump_files = dump_files(None)

    def refresh(self) -> None:
        """Poll now (after an action) rather than at the next tick; re-reads dump and config too."""
        self._refresh.set()

    async def run(self) -> None:
        """Keep the node connected and its streams flowing until cancelled."""
        backoff = Backoff()
        while True:
            try:
                conn = await connect(self.node)
            except SshError as exc:
                self._emit(Reachability(self.node.name, False, self._clock(), exc.reason))
                await asyncio.sleep(backoff.next_delay())
                continue
            backoff.reset()
            reason = await self._serve(conn)
            self._emit(Reachability(self.node.name, False, self._clock(), reason))
            await asyncio.sleep(backoff.next_delay())

    async def _serve(self, conn: asyncssh.SSHClientConnection) -> str:
        self.runner = SshRunner(self.node, conn)
        self._emit(Reachability(self.node.name, True, self._clock()))
        tasks = [
            asyncio.create_task(self._follow_log(conn), name=f"{self.node.name}:log"),
            asyncio.create_task(self._poll(), name=f"{self.node.name}:poll"),
        ]
        if self._settings.capture:
            tasks.append(asyncio.create_task(self._capture(conn), name=f"{self.node.name}:capture"))
        try:
            await conn.wait_closed()
            return "connection lost"
        finally:
            self.runner = None
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, asyncssh.Error, OSError):
                    await task
            conn.close()

    def _emit(self, fact: Fact) -> None:
        self._sink(fact)

    def _channel(self, channel: str, ok: bool, message: str | None = None) -> None:
        self._emit(ChannelStatus(self.node.name, channel, ok, self._clock(), message))

    # --- the log ---------------------------------------------------------------------------

    async def _follow_log(self, conn: asyncssh.SSHClientConnection) -> None:
        command = commands.log_follow_command(self.node)
        async with conn.create_process(command, stderr=asyncssh.STDOUT) as proc:
            replay: list[str] = []
            replaying = True
            while True:
                try:
                    timeout = self._settings.replay_quiet if replaying else None
                    raw = await asyncio.wait_for(proc.stdout.readline(), timeout)
                except TimeoutError:
                    self._deliver(lines_after(list(self._delivered), replay))
                    replay, replaying = [], False
                    continue
                if not raw:
                    break
                line = raw.rstrip("\n")
                if replaying:
                    replay.append(line)
                else:
                    self._deliver([line])
            self._deliver(lines_after(list(self._delivered), replay))
        status = proc.exit_status
        if status in _MISSING:
            self._channel("log", False, f"cannot follow the log: `{command}` not found")
        else:
            self._channel("log", False, f"the log follower ended (exit status {status})")

    def _deliver(self, lines: list[str]) -> None:
        for line in lines:
            self._delivered.append(line)
            event = parse_line(line)
            if event is not None:
                self._emit(LogSeen(self.node.name, event))

    # --- the capture -----------------------------------------------------------------------

    async def _capture(self, conn: asyncssh.SSHClientConnection) -> None:
        command = as_privileged(self.node, commands.capture_command(self.node))
        stream = PcapStream()
        async with conn.create_process(command, encoding=None) as proc:
            first = True
            while chunk := await proc.stdout.read(65536):
                if first:
                    self._channel("capture", True)
                    first = False
                for record in stream.feed(chunk):
                    advert = decode(record)
                    if isinstance(advert, Advert):
                        self._emit(AdvertSeen(self.node.name, advert))
            error = (await proc.stderr.read()).decode("utf-8", "replace").strip()
        status = proc.exit_status
        why = "tcpdump not found" if status in _MISSING else (error.splitlines() or ["ended"])[-1]
        self._channel("capture", False, f"no advert capture: {why}")

    # --- pollers ---------------------------------------------------------------------------

    async def _poll(self) -> None:
        with contextlib.suppress(_Disconnected):
            await self._poll_forever()

    async def _poll_forever(self) -> None:
        last_dump = last_config = float("-inf")
        while True:
            now = time.monotonic()
            forced = self._refresh.is_set()
            self._refresh.clear()
            await self._poll_once()
            if forced or now - last_config >= self._settings.config_interval:
                await self._read_config()
                last_config = now
            if forced or now - last_dump >= self._settings.dump_interval:
                await self._read_dump()
                last_dump = now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._refresh.wait(), self._settings.poll_interval)

    async def _run(self, command: str, privileged: bool = False) -> tuple[int | None, str]:
        runner = self.runner
        if runner is None:
            raise _Disconnected
        done = await runner.run(
            command, timeout=self._settings.command_timeout, privileged=privileged
        )
        return done.exit_status, done.stdout

    async def _poll_once(self) -> None:
        node = self.node.name
        _, out = await self._run(commands.IP_ADDR)
        try:
            self._emit(AddressesObserved(node, parse_ip_addr(out), self._clock()))
            self._channel("addresses", True)
        except PollError as exc:
            self._channel("addresses", False, f"ip -j addr: {exc}")
        for service in self.node.services:
            code, _ = await self._run(commands.service_command(self.node, service, "status"))
            self._emit(ServiceObserved(node, service, service_state(code), self._clock()))

    async def _read_dump(self) -> None:
        json_files, data_files = self._dump_files
        code, out = await self._run(commands.dump_command("JSON", json_files), privileged=True)
        parse = parse_json_dump
        if code == 4:
            code, out = await self._run(commands.dump_command("DATA", data_files),
                                        privileged=True)
            parse = parse_data_dump
        if code == 3:
            return  # keepalived is not running: the service poller says so
        try:
            instances = parse(out) if code == 0 else None
        except DumpError as exc:
            self._channel("dump", False, str(exc))
            return
        if instances is None:
            self._channel("dump", False, f"keepalived wrote no dump (exit status {code})")
            return
        self._emit(DumpObserved(self.node.name, instances, self._clock()))
        self._channel("dump", True)

    async def _read_config(self) -> None:
        runner = self.runner
        if runner is None:
            return
        try:
            config = await fetch_config(runner, self.node.keepalived_conf)
        except ConfigUnreadable as exc:
            self._channel("config", False, str(exc))
            return
        self._dump_files = dump_files(config)
        self._emit(ConfigObserved.of(self.node.name, config, self._clock()))
        self._channel("config", True)
