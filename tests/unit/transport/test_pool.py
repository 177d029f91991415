"""The connection pool: one connection per node identity, a cap on attempts, errors per node."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any, cast

import asyncssh
import pytest

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Node
from kaconsole.errors import SshError
from kaconsole.transport.pool import ConnectionPool, shared_pool


class FakeConn:
    def __init__(self) -> None:
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def _nodes(count: int) -> list[Node]:
    lines = "".join(f"  - {{name: n{i}, host: 192.0.2.{i + 1}}}\n" for i in range(count))
    return list(parse_cluster("name: x\nnodes:\n" + lines).nodes)


async def _fake(node: Node) -> asyncssh.SSHClientConnection:
    del node
    await asyncio.sleep(0)
    return cast(asyncssh.SSHClientConnection, FakeConn())


async def test_one_connection_per_node_identity_closed_with_its_last_user() -> None:
    pool = ConnectionPool(_fake)
    node = _nodes(1)[0]
    same = replace(node, name="other-view-of-n0")  # another cluster file, same host and ssh
    first, second = await asyncio.gather(pool.acquire(node), pool.acquire(same))
    assert first is second
    assert pool.attempts == 1
    pool.release(node, first)
    assert not first.is_closed()
    pool.release(same, second)
    assert first.is_closed()
    assert len(pool) == 0


async def test_a_different_port_is_a_different_connection() -> None:
    pool = ConnectionPool(_fake)
    node = _nodes(1)[0]
    other = replace(node, ssh=replace(node.ssh, port=2222))
    assert await pool.acquire(node) is not await pool.acquire(other)


async def test_a_dead_connection_is_replaced() -> None:
    pool = ConnectionPool(_fake)
    node = _nodes(1)[0]
    old = await pool.acquire(node)
    cast(Any, old).closed = True  # the link dropped
    new = await pool.acquire(node)
    assert new is not old
    pool.release(node, old)
    assert not new.is_closed()


async def test_attempts_in_flight_are_capped() -> None:
    in_flight = peak = 0
    gate = asyncio.Event()

    async def slow(node: Node) -> asyncssh.SSHClientConnection:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await gate.wait()
        in_flight -= 1
        return await _fake(node)

    pool = ConnectionPool(slow, limit=3)
    waiting = [asyncio.create_task(pool.acquire(n)) for n in _nodes(10)]
    await asyncio.sleep(0.01)
    assert peak == 3
    gate.set()
    await asyncio.gather(*waiting)
    assert pool.attempts == 10
    assert peak == 3


async def test_a_failure_names_each_node_and_is_not_kept() -> None:
    async def refused(node: Node) -> asyncssh.SSHClientConnection:
        await asyncio.sleep(0)
        raise SshError(node.name, f"cannot connect to {node.host}: Connection refused")

    pool = ConnectionPool(refused)
    node = _nodes(1)[0]
    same = replace(node, name="twin")
    results = await asyncio.gather(pool.acquire(node), pool.acquire(same),
                                   return_exceptions=True)
    assert [str(r) for r in results] == [
        "n0: cannot connect to 192.0.2.1: Connection refused",
        "twin: cannot connect to 192.0.2.1: Connection refused",
    ]
    assert len(pool) == 0


async def test_a_cancelled_only_waiter_cancels_the_attempt() -> None:
    started = asyncio.Event()

    async def hang(node: Node) -> asyncssh.SSHClientConnection:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError(node)

    pool = ConnectionPool(hang)
    waiter = asyncio.create_task(pool.acquire(_nodes(1)[0]))
    await started.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert len(pool) == 0


async def test_one_pool_per_event_loop() -> None:
    assert shared_pool() is shared_pool()
