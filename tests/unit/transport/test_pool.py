"""The connection pool: one connection per node identity, a cap on attempts, errors per node."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any, cast

import asyncssh
import pytest

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Node
from kaconsole.errors import HostKeyError, SshError
from kaconsole.transport.pool import ConnectionPool, shared_pool


class FakeConn:
    def __init__(self, via: asyncssh.SSHClientConnection | None = None) -> None:
        self.via = via
        self._closed = asyncio.Event()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    @closed.setter
    def closed(self, value: bool) -> None:
        assert value
        self._closed.set()

    def is_closed(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    async def wait_closed(self) -> None:
        await self._closed.wait()


def _nodes(count: int, ssh: str = "") -> list[Node]:
    lines = "".join(f"  - {{name: n{i}, host: 192.0.2.{i + 1}}}\n" for i in range(count))
    return list(parse_cluster(f"name: x\n{ssh}nodes:\n" + lines).nodes)


async def _fake(node: Node, via: Conn | None = None) -> Conn:
    del node
    await asyncio.sleep(0)
    return cast(Conn, FakeConn(via))


Conn = asyncssh.SSHClientConnection
BEHIND_BASTION = "ssh: {jump: ops@bastion.example:2222}\n"


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

    async def slow(node: Node, via: Conn | None) -> Conn:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await gate.wait()
        in_flight -= 1
        return await _fake(node, via)

    pool = ConnectionPool(slow, limit=3)
    waiting = [asyncio.create_task(pool.acquire(n)) for n in _nodes(10)]
    await asyncio.sleep(0.01)
    assert peak == 3
    gate.set()
    await asyncio.gather(*waiting)
    assert pool.attempts == 10
    assert peak == 3


async def test_a_failure_names_each_node_and_is_not_kept() -> None:
    async def refused(node: Node, via: Conn | None) -> Conn:
        await asyncio.sleep(0)
        assert via is None
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

    async def hang(node: Node, via: Conn | None) -> Conn:
        del via
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


async def test_nodes_behind_one_bastion_share_one_jump_connection_until_the_last_closes() -> None:
    opened: list[str] = []

    async def opener(node: Node, via: Conn | None) -> Conn:
        opened.append(node.host)
        return await _fake(node, via)

    pool = ConnectionPool(opener)
    nodes = _nodes(3, BEHIND_BASTION)
    conns = await asyncio.gather(*(pool.acquire(n) for n in nodes))
    assert sorted(opened) == ["192.0.2.1", "192.0.2.2", "192.0.2.3", "bastion.example"]
    (jump,) = {cast(FakeConn, c).via for c in conns}
    assert jump is not None
    for node, conn in zip(nodes, conns, strict=True):
        assert not jump.is_closed()
        pool.release(node, conn)
        await asyncio.sleep(0)  # the holder sees its node's connection close
    async with asyncio.timeout(5):
        await jump.wait_closed()
    assert len(pool) == 0


async def test_a_cap_of_one_still_reaches_nodes_behind_a_bastion() -> None:
    """The bastion's own attempt needs the gate too: nodes must not hold it while they wait."""
    pool = ConnectionPool(_fake, limit=1)
    async with asyncio.timeout(5):
        await asyncio.gather(*(pool.acquire(n) for n in _nodes(4, BEHIND_BASTION)))
    assert pool.attempts == 5


async def test_a_node_refused_behind_the_bastion_lets_the_jump_go() -> None:
    async def refused(node: Node, via: Conn | None) -> Conn:
        if via is None:
            return await _fake(node)
        raise SshError(node.name, f"authentication as ops refused by {node.host}")

    pool = ConnectionPool(refused)
    with pytest.raises(SshError, match=r"^n0: authentication as ops refused by 192\.0\.2\.1$"):
        await pool.acquire(_nodes(1, BEHIND_BASTION)[0])
    assert len(pool) == 0  # the bastion's connection was closed with its last user


async def test_a_host_key_refusal_stays_a_host_key_error_named_for_the_node() -> None:
    async def changed(node: Node, via: Conn | None) -> Conn:
        del via
        raise HostKeyError("someone", f"the host key of {node.host} CHANGED")

    pool = ConnectionPool(changed)
    with pytest.raises(HostKeyError, match=r"^n0: the host key of 192\.0\.2\.1 CHANGED$"):
        await pool.acquire(_nodes(1)[0])
