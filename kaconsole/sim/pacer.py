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
        target = self._loop_virtual()
        if target is not None:
            self.world.run_until(target)
        return self.world.now()

    def stamp(self) -> float:
        """Virtual now without firing a timer: the console's clock for what a session receives.
        A node may be acting when its session stamps the line it just wrote, and a node is never
        re-entered; `now` would fire the timers due."""
        target = self._loop_virtual()
        return self.world.now() if target is None else max(self.world.now(), target)

    def _loop_virtual(self) -> float | None:
        """The virtual time the event loop's clock stands for (None before `run`)."""
        if self._anchor is None:
            return None
        real, virtual = self._anchor
        return virtual + (asyncio.get_running_loop().time() - real) * self.speed

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
