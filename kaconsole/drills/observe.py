"""What a running drill watches besides its steps: the instance's MASTERs and VIP holders as
they change, and an HTTP probe through the VIP about every 100 ms. Anything new wakes the
step that is waiting, so waits react to evidence as it arrives."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace

from kaconsole.core.facts import ProbeResult
from kaconsole.core.insight.anomalies import summarize
from kaconsole.core.insight.neighbours import mac_owner
from kaconsole.core.inventory.model import VipProbe
from kaconsole.core.state.model import ClusterState
from kaconsole.drills.measure import Sample
from kaconsole.engine.monitor import ClusterMonitor, ProbeFn

#: Probes in flight at once; past this a hung path would only pile up threads.
MAX_IN_FLIGHT = 8
#: Longest pause between two looks at a step's conditions when nothing new arrives.
TICK = 0.25


class Observer:
    def __init__(self, monitor: ClusterMonitor, prober: ProbeFn, *, interval: float,
                 timeout: float) -> None:
        self.monitor = monitor
        self.instance: str | None = None
        self.probes: list[ProbeResult] = []
        self.samples: list[Sample] = []
        self._prober = prober
        self._interval = interval
        self._timeout = timeout
        self._new = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def watch(self) -> None:
        self._tasks.append(asyncio.create_task(self._watch(), name="drill:watch"))

    def probe(self) -> None:
        """Start probing the VIP (when the cluster file has a `vip_probe`)."""
        if self.monitor.cluster.vip_probe is not None:
            self._tasks.append(asyncio.create_task(self._probe_loop(), name="drill:probe"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    def sample(self, state: ClusterState) -> None:
        """Record the instance's MASTERs, VIP holders and whom its clients reach, when they
        differ from the last ones."""
        if self.instance is None:
            return
        s = summarize(state, self.instance)
        clients = tuple(sorted({
            owner for (_, vip), seen in state.neighbours.items()
            if vip in s.vips and (owner := mac_owner(state, seen.mac)) is not None
        }))
        now = (s.masters, s.vip_holders, clients)
        last = self.samples[-1] if self.samples else None
        if last is None or (last.masters, last.holders, last.clients) != now:
            self.samples.append(Sample(time.time(), *now))

    def seen(self) -> None:
        """The caller has looked at everything so far; `changed` waits for what comes next."""
        self._new.clear()

    async def changed(self, seconds: float) -> None:
        """Until something new arrives, or at most `seconds` (capped at TICK)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(min(seconds, TICK), 0.0)):
                await self._new.wait()

    async def _watch(self) -> None:
        async for update in self.monitor.updates():
            self.sample(update.state)
            self._new.set()

    async def _probe_loop(self) -> None:
        spec = self.monitor.cluster.vip_probe
        assert spec is not None
        spec = replace(spec, timeout=min(spec.timeout, self._timeout))
        flying: set[asyncio.Task[None]] = set()
        try:
            while True:
                if len(flying) < MAX_IN_FLIGHT:
                    task = asyncio.create_task(self._probe_once(spec))
                    flying.add(task)
                    task.add_done_callback(flying.discard)
                await asyncio.sleep(self._interval)  # the cadence, not a wait for state
        finally:
            for task in list(flying):
                task.cancel()

    async def _probe_once(self, spec: VipProbe) -> None:
        result = await self._prober(spec)
        self.probes.append(result)
        self.monitor.feed(result)
        self._new.set()
