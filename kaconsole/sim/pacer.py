"""Virtual time for the demo's world, run at a chosen speed against the event loop's clock."""

from __future__ import annotations

import asyncio
import contextlib

from kaconsole.sim.world import SimWorld


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
                async with asyncio.timeout(delay):  # not wait_for: 3.11's can eat a cancel
                    await self._wake.wait()
