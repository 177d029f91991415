"""From the monitor to the screen: at most `rate` StateChanged messages a second.

The monitor coalesces: while the UI sleeps between posts, new facts pile up in its rings and
arrive as one update, so a 50,000 lines/s burst costs the UI ~30 messages a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.ui.messages import StateChanged

#: Messages a second at most; the screen cannot show more anyway.
RATE = 30.0


async def pump(
    monitor: ClusterMonitor, post: Callable[[StateChanged], object], rate: float = RATE,
    *, shown: asyncio.Event | None = None,
) -> None:
    """Post each coalesced update, then rest so the next one gathers what came meanwhile; while
    `shown` is clear (a fleet's cluster console out of sight), wait: no view is derived, and the
    monitor's rings keep what comes for the update that follows."""
    async for update in monitor.updates():
        post(StateChanged(update))
        await asyncio.sleep(1.0 / rate)
        if shown is not None:
            await shown.wait()
