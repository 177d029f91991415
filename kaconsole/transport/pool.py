"""One SSH connection per node, however many clusters or views show it, and few attempts at once.

A fleet console may list one node in several cluster files (two views of one lab, a shared
bastion pair) and opens hundreds of sessions at start: each node identity (host, port and SSH
settings) gets one connection that every session on it shares, counted by reference and closed
with its last user, and at most MAX_CONNECTING attempts run at a time so that a console start or
a site coming back does not hit the network (or sshd's MaxStartups) with every node at once.
A jump host is a node of the pool too: every node behind one bastion tunnels through one
connection to it (not one each), held while any of them is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncssh

from kaconsole.core.inventory.model import Node, SshSettings
from kaconsole.errors import SshError
from kaconsole.transport.ssh import connect_through, jump_node

#: Connection attempts (TCP, key exchange, authentication) in flight at once, per event loop.
MAX_CONNECTING = 16

Key = tuple[str, SshSettings]
Connect = Callable[[Node, asyncssh.SSHClientConnection | None],
                  Awaitable[asyncssh.SSHClientConnection]]


def identity(node: Node) -> Key:
    """What makes two inventory nodes the same connection: the host and every SSH setting."""
    return (node.host, node.ssh)


@dataclass
class _Entry:
    opening: asyncio.Task[asyncssh.SSHClientConnection]
    users: int = 0


class ConnectionPool:
    def __init__(self, opener: Connect = connect_through, limit: int = MAX_CONNECTING) -> None:
        self._open = opener
        self._gate = asyncio.Semaphore(limit)
        self._entries: dict[Key, _Entry] = {}
        self._tunnels: set[asyncio.Task[None]] = set()
        #: Connection attempts started, for tests and the fleet benchmark.
        self.attempts = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def acquire(self, node: Node) -> asyncssh.SSHClientConnection:
        """The node's shared connection, opened if need be; SshError (naming this node) if not."""
        key = identity(node)
        entry = self._entries.get(key)
        if entry is not None and _dead(entry):
            del self._entries[key]  # its users find out from wait_closed and release it
            entry = None
        if entry is None:
            entry = _Entry(asyncio.create_task(self._gated(node), name=f"connect:{node.host}"))
            self._entries[key] = entry
        entry.users += 1
        try:
            return await asyncio.shield(entry.opening)
        except SshError as exc:  # named for this node, of the same kind (a HostKeyError stays one)
            self._drop(key, entry)
            raise type(exc)(node.name, exc.reason) from None
        except BaseException:
            self._drop(key, entry)
            raise

    def release(self, node: Node, conn: asyncssh.SSHClientConnection) -> None:
        """One user is done with `conn`; the last one closes it."""
        key = identity(node)
        entry = self._entries.get(key)
        if entry is not None and entry.opening.done() and _result(entry) is conn:
            self._drop(key, entry)
        else:  # replaced after it died: this connection has no other user left
            conn.close()

    @contextlib.asynccontextmanager
    async def connection(self, node: Node) -> AsyncIterator[asyncssh.SSHClientConnection]:
        conn = await self.acquire(node)
        try:
            yield conn
        finally:
            self.release(node, conn)

    async def _gated(self, node: Node) -> asyncssh.SSHClientConnection:
        # The jump connection is acquired outside the gate: nodes waiting in it for their
        # shared bastion would otherwise hold every slot the bastion needs.
        via = jump_node(node)
        try:
            tunnel = await self.acquire(via) if via is not None else None
        except SshError as exc:  # said for the node, naming the jump host that failed
            raise type(exc)(node.name, f"jump {via.host if via else ''}: {exc.reason}") from None
        try:
            async with self._gate:
                self.attempts += 1
                conn = await self._open(node, tunnel)
        except BaseException:
            if via is not None and tunnel is not None:
                self.release(via, tunnel)
            raise
        if via is not None and tunnel is not None:
            task = asyncio.create_task(self._hold(via, tunnel, conn), name=f"jump:{node.host}")
            self._tunnels.add(task)
            task.add_done_callback(self._tunnels.discard)
        return conn

    async def _hold(self, via: Node, tunnel: asyncssh.SSHClientConnection,
                    conn: asyncssh.SSHClientConnection) -> None:
        """Keep the jump connection while `conn` through it is open, however that one ends."""
        try:
            await conn.wait_closed()
        finally:
            self.release(via, tunnel)

    def _drop(self, key: Key, entry: _Entry) -> None:
        entry.users -= 1
        if entry.users > 0:
            return
        if self._entries.get(key) is entry:
            del self._entries[key]
        if not entry.opening.done():
            entry.opening.cancel()
        elif (conn := _result(entry)) is not None:
            conn.close()


def _result(entry: _Entry) -> asyncssh.SSHClientConnection | None:
    task = entry.opening
    if task.cancelled() or task.exception() is not None:
        return None
    return task.result()


def _dead(entry: _Entry) -> bool:
    if not entry.opening.done():
        return False
    conn = _result(entry)
    return conn is None or conn.is_closed()


_POOLS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ConnectionPool] = (
    weakref.WeakKeyDictionary()
)


def shared_pool() -> ConnectionPool:
    """The running event loop's pool: every session in one console shares it."""
    loop = asyncio.get_running_loop()
    pool = _POOLS.get(loop)
    if pool is None:
        pool = _POOLS[loop] = ConnectionPool()
    return pool
