"""Readers woken when something changed, each catching up in one go (coalesced updates).

A writer calls `wake()` for every change; each reader has its own event, so a slow reader
wakes once for many changes and reads the latest state, never a backlog.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


class Wakeups:
    def __init__(self) -> None:
        self._events: set[asyncio.Event] = set()

    def wake(self) -> None:
        for event in self._events:
            event.set()

    async def each(self) -> AsyncIterator[None]:
        """Once now, then once after each batch of wakes, for as long as the reader reads."""
        event = asyncio.Event()
        event.set()
        self._events.add(event)
        try:
            while True:
                await event.wait()
                event.clear()
                yield
        finally:
            self._events.discard(event)
