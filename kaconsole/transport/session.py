"""A session per node: one SSH connection (the pool's, shared) carrying the log, capture, polls.

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
from dataclasses import dataclass, field

import asyncssh

from kaconsole.core.inventory.model import Node
from kaconsole.core.logs.bounds import LineSplitter
from kaconsole.core.logs.resume import MATCH_LINES, lines_after
from kaconsole.errors import SshError
from kaconsole.transport import remote_commands as commands
from kaconsole.transport.ingest import Ingest, Sink
from kaconsole.transport.pollers import Poller, PollSettings
from kaconsole.transport.pool import ConnectionPool, shared_pool
from kaconsole.transport.retry import Backoff
from kaconsole.transport.ssh import SshRunner

#: Exit statuses of a shell that could not find or run the command.
_MISSING = (126, 127)
#: Characters read from the log follower at a time (lines are split and bounded by us).
_CHUNK = 65_536


@dataclass(frozen=True, slots=True)
class SessionSettings:
    polls: PollSettings = field(default_factory=PollSettings)
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
        pool: ConnectionPool | None = None,
    ) -> None:
        self.node = node
        self._pool = pool
        self._settings = settings or SessionSettings()
        self._ingest = Ingest(node.name, sink, clock)
        self._delivered: deque[str] = deque(maxlen=MATCH_LINES)
        self.runner: SshRunner | None = None
        self._poller = Poller(node, lambda: self.runner, self._ingest, self._settings.polls,
                              time.monotonic)

    def refresh(self) -> None:
        """Poll now (after an action) rather than at the next tick; re-reads dump and config too."""
        self._poller.refresh()

    def check_neighbours(self) -> None:
        """A transition happened: ask what this node resolves the VIPs to, for a while."""
        self._poller.check_neighbours()

    async def run(self) -> None:
        """Keep the node connected and its streams flowing until cancelled."""
        pool = self._pool or shared_pool()
        backoff = Backoff()
        while True:
            try:
                conn = await pool.acquire(self.node)
            except SshError as exc:
                self._ingest.reachable(False, exc.reason)
                await asyncio.sleep(backoff.next_delay())
                continue
            backoff.reset()
            try:
                reason = await self._serve(conn)
            finally:
                pool.release(self.node, conn)
            self._ingest.reachable(False, reason)
            await asyncio.sleep(backoff.next_delay())

    async def _serve(self, conn: asyncssh.SSHClientConnection) -> str:
        self.runner = SshRunner(self.node, conn)
        self._ingest.reachable(True)
        tasks = [
            asyncio.create_task(self._follow_log(conn), name=f"{self.node.name}:log"),
            asyncio.create_task(self._poller.run(), name=f"{self.node.name}:poll"),
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

    # --- the log ---------------------------------------------------------------------------

    async def _follow_log(self, conn: asyncssh.SSHClientConnection) -> None:
        command = commands.log_follow_command(self.node)
        async with conn.create_process(command, stderr=asyncssh.STDOUT) as proc:
            replay: list[str] = []
            replaying = True
            splitter, said_cut = LineSplitter(), 0
            while True:
                try:
                    timeout = self._settings.replay_quiet if replaying else None
                    async with asyncio.timeout(timeout):
                        chunk = await proc.stdout.read(_CHUNK)
                except TimeoutError:
                    self._deliver(lines_after(list(self._delivered), replay), history=True)
                    replay, replaying = [], False
                    continue
                lines = splitter.feed(chunk) if chunk else splitter.flush()
                if replaying:
                    replay.extend(lines)
                else:
                    self._deliver(lines)
                if splitter.cut_lines != said_cut:
                    said_cut = splitter.cut_lines
                    self._ingest.lines_cut(said_cut, splitter.limit)
                if not chunk:
                    break
            self._deliver(lines_after(list(self._delivered), replay), history=True)
        status = proc.exit_status
        if status in _MISSING:
            self._ingest.channel("log", False, f"cannot follow the log: `{command}` not found")
        else:
            self._ingest.channel("log", False, f"the log follower ended (exit status {status})")

    def _deliver(self, lines: list[str], *, history: bool = False) -> None:
        self._delivered.extend(lines)
        self._ingest.log_lines(lines, history=history)

    # --- the capture -----------------------------------------------------------------------

    async def _capture(self, conn: asyncssh.SSHClientConnection) -> None:
        command = commands.as_privileged(self.node, commands.capture_command(self.node))
        self._ingest.capture_started()
        async with conn.create_process(command, encoding=None) as proc:
            first = True
            while chunk := await proc.stdout.read(65536):
                if first:
                    self._ingest.channel("capture", True)
                    first = False
                self._ingest.capture(chunk)
            error = (await proc.stderr.read()).decode("utf-8", "replace").strip()
        status = proc.exit_status
        why = "tcpdump not found" if status in _MISSING else (error.splitlines() or ["ended"])[-1]
        self._ingest.channel("capture", False, f"no advert capture: {why}")
