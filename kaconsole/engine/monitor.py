"""ClusterMonitor: node sessions -> facts -> one reducer -> state, shared by the TUI and commands.

Sessions push facts into `feed`; the monitor folds them into an immutable `ClusterState` and keeps
bounded rings of log events and adverts for the panes. Readers pull: `updates()` yields the
latest state and the items new since their last update, so a slow reader sees coalesced updates,
never a backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from kaconsole.core.checks.model import Finding
from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.facts import AdvertSeen, Fact, LogSeen, ProbeResult, Reachability
from kaconsole.core.insight.explain import OperatorAction
from kaconsole.core.insight.view import ClusterView, view_of
from kaconsole.core.inventory.model import Cluster, Node, VipProbe
from kaconsole.core.redact import redact_text
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import reduce
from kaconsole.engine.configcheck import config_findings
from kaconsole.engine.probe import probe
from kaconsole.engine.recording import Recorder
from kaconsole.engine.wakeups import Wakeups
from kaconsole.transport.neighbours import host_neighbours
from kaconsole.transport.retry import Backoff
from kaconsole.transport.runner import Runner
from kaconsole.transport.session import NodeSession, SessionSettings

Sink = Callable[[Fact], None]
T = TypeVar("T")

#: Operator actions kept for cause chains (an action explains what follows it for seconds).
ACTIONS_KEPT = 100

#: A session that ran this long before failing starts again from the shortest backoff.
STABLE_SESSION = 60.0
#: How often the console's host reads its own ARP cache for the VIPs (a local, cheap read).
HOST_NEIGHBOUR_INTERVAL = 2.0


class Session(Protocol):
    """What the monitor needs of a node's session: the real SSH one, or the demo's."""

    @property
    def runner(self) -> Runner | None: ...

    async def run(self) -> None: ...

    def refresh(self) -> None: ...


SessionFactory = Callable[[Node, Sink], Session]
ProbeFn = Callable[[VipProbe], Awaitable[ProbeResult]]


def ssh_sessions(settings: SessionSettings | None = None) -> SessionFactory:
    def make(node: Node, sink: Sink) -> Session:
        return NodeSession(node, sink, settings)

    make.observe_host = True  # type: ignore[attr-defined]
    return make


@dataclass(frozen=True, slots=True)
class Update:
    state: ClusterState
    #: Summaries and anomalies of `state`, computed once for every reader of this update.
    view: ClusterView
    logs: tuple[LogSeen, ...]
    adverts: tuple[AdvertSeen, ...]
    #: Items that fell out of the rings before this reader saw them.
    missed: int = 0


class ClusterMonitor:
    def __init__(
        self,
        cluster: Cluster,
        sessions: SessionFactory | None = None,
        *,
        log_capacity: int = 10_000,
        advert_capacity: int = 5_000,
    ) -> None:
        self.cluster = cluster
        self.state = initial_state(cluster.name, [(n.name, n.host) for n in cluster.nodes])
        factory = sessions or ssh_sessions()
        self.sessions: dict[str, Session] = {n.name: factory(n, self.feed) for n in cluster.nodes}
        #: HTTP through the VIP. Simulated sessions bring their own (`probe` on the factory),
        #: so that nothing run on the demo ever reaches the network.
        self.probe: ProbeFn = getattr(factory, "probe", probe)
        #: The console's clock, the one its sessions stamp facts with on arrival: the timeline's
        #: operator actions read it too (the demo's sessions run on its virtual time).
        self.clock: Callable[[], float] = getattr(factory, "clock", time.time)
        #: Whether this host's ARP cache is read as a client's (real sessions only, never the demo).
        self.observe_host: bool = getattr(factory, "observe_host", False)
        self._seq = 0
        self._appended = 0  # log events and adverts ever put in the rings
        self._logs: deque[tuple[int, LogSeen]] = deque(maxlen=log_capacity)
        self._adverts: deque[tuple[int, AdvertSeen]] = deque(maxlen=advert_capacity)
        self._wakeups = Wakeups()
        self.started_at = time.time()
        #: This session's confirmed actions: every reader's view explains causes with them.
        self.actions: tuple[OperatorAction, ...] = ()
        #: Gets every fact folded, and runs beside the sessions (see `engine.recording`).
        self.recorder: Recorder | None = None
        self._findings: tuple[tuple[KeepalivedConfig | None, ...], tuple[Finding, ...] | None]
        self._findings = ((), None)

    # --- input ------------------------------------------------------------------------------

    def feed(self, fact: Fact) -> None:
        """Fold one fact; sessions call this, and so do tests and the timeline of actions."""
        self._seq += 1
        before = self.state.transition_count
        self.state = reduce(self.state, fact)
        if self.recorder is not None:
            self.recorder.fact(fact)
        if self.state.transition_count != before:
            for session in self.sessions.values():
                # Optional: a session that cannot ask its node's neighbours simply is not asked.
                check: Callable[[], None] | None = getattr(session, "check_neighbours", None)
                if check is not None:
                    check()
        if isinstance(fact, LogSeen):
            self._logs.append((self._seq, fact))
            self._appended += 1
        elif isinstance(fact, AdvertSeen):
            self._adverts.append((self._seq, fact))
            self._appended += 1
        self._wakeups.wake()

    def record_action(self, action: OperatorAction) -> None:
        """An action the operator confirmed: the next view's causes can start with it."""
        self.actions = (*self.actions, action)[-ACTIONS_KEPT:]

    def rewind(self, state: ClusterState) -> None:
        """Go back to `state` (a replay seeking backwards): the rings empty, readers wake."""
        self.state = state
        self._logs.clear()
        self._adverts.clear()
        self._wakeups.wake()

    async def run(self) -> None:
        """Run every node's session until cancelled, each on its own (see `_supervise`), the
        host's neighbour watch, and the recorder beside them until they end."""
        recording = asyncio.create_task(self.recorder.run()) if self.recorder else None
        try:
            async with asyncio.TaskGroup() as group:
                for name, session in self.sessions.items():
                    group.create_task(self._supervise(name, session), name=f"session:{name}")
                if self.observe_host:
                    group.create_task(self._watch_host(), name="host-neighbours")
        finally:
            if recording is not None:
                recording.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await recording

    async def observe_host_once(self) -> None:
        """Read this host's cache entry for every VIP the nodes' configurations name."""
        vips = {v for n in self.state.nodes for i in n.instances if i.spec for v in i.spec.vips}
        for fact in await host_neighbours(sorted(vips)):
            self.feed(fact)

    async def _watch_host(self) -> None:
        while True:
            with contextlib.suppress(OSError):
                await self.observe_host_once()
            await asyncio.sleep(HOST_NEIGHBOUR_INTERVAL)

    async def _supervise(self, name: str, session: Session) -> None:
        """One node's session, isolated: when it fails, the node is shown unreachable with the
        error and the session restarts with backoff; the other nodes' sessions never notice."""
        backoff = Backoff()
        while True:
            started = time.monotonic()
            try:
                await session.run()
                return
            except Exception as exc:  # any bug in one node's stream: that node only pays
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # cancelled, and the session failed on its way out: stop, not restart
                if time.monotonic() - started >= STABLE_SESSION:
                    backoff.reset()
                delay = backoff.next_delay()
                at = self.state.clock if self.state.clock is not None else time.time()
                why = f"session failed ({type(exc).__name__}: {exc}); restarting in {delay:.1f} s"
                self.feed(Reachability(name, False, at, redact_text(why)))
                await asyncio.sleep(delay)

    def runner(self, node: str) -> Runner | None:
        return self.sessions[node].runner

    def refresh(self, node: str | None = None) -> None:
        for name, session in self.sessions.items():
            if node is None or name == node:
                session.refresh()

    # --- output -----------------------------------------------------------------------------

    def findings(self, state: ClusterState | None = None) -> tuple[Finding, ...] | None:
        """The configuration findings of `state` (default: the latest), see `config_findings`.
        Computed again only when a node's configuration changed: the reducer keeps an unchanged
        one the same object, so comparing identities is enough (and cheap on every update)."""
        state = state or self.state
        configs = tuple(n.config for n in state.nodes)
        seen, found = self._findings
        if len(seen) != len(configs) or any(a is not b for a, b in zip(seen, configs, strict=True)):
            found = config_findings(state)
            self._findings = (configs, found)
        return found

    def logs(self) -> list[LogSeen]:
        return [item for _, item in self._logs]

    def adverts(self) -> list[AdvertSeen]:
        return [item for _, item in self._adverts]

    async def updates(self) -> AsyncIterator[Update]:
        """The state and the new items, each time something changed (coalesced)."""
        cursor, counted = 0, 0
        view: ClusterView | None = None
        async for _ in self._wakeups.each():
            logs = _since(self._logs, cursor)
            adverts = _since(self._adverts, cursor)
            missed = self._appended - counted - len(logs) - len(adverts)
            cursor, counted = self._seq, self._appended
            state = self.state
            if view is None or view.state is not state or view.actions is not self.actions:
                view = view_of(state, self.actions)
            yield Update(state, view, logs, adverts, missed)

    async def states(self) -> AsyncIterator[ClusterState]:
        """The state, each time something changed (coalesced): no view and no rings, for a
        reader that only summarises the cluster (the fleet)."""
        async for _ in self._wakeups.each():
            yield self.state

    async def wait_for(
        self, predicate: Callable[[ClusterState], bool], timeout: float
    ) -> ClusterState | None:
        """The first state that satisfies `predicate`, or None when `timeout` passes first."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                async for update in self.updates():
                    if predicate(update.state):
                        return update.state
        return None


def _since(ring: deque[tuple[int, T]], cursor: int) -> tuple[T, ...]:
    """The ring's items after `cursor`, found from the newest end: cheap for small updates."""
    out: list[T] = []
    for seq, item in reversed(ring):
        if seq <= cursor:
            break
        out.append(item)
    out.reverse()
    return tuple(out)
