"""The demo's world: a virtual clock with timers, and the VRRP segment the simulated nodes share.

Time here is virtual epoch seconds and moves only when told (`run_until`), so unit tests drive
it exactly and the demo paces it against the event loop (`sim.Pacer`). Adverts reach the other
nodes a moment after they are sent, through the scheduler, never by a nested call: a node is
never re-entered while it is acting. Every node's capture sees every advert on the segment as
tcpdump would, in pcap bytes; `block_vrrp` drops VRRP in and/or out of a node as the lab's
nftables faults do (a capture still sees what arrives: AF_PACKET taps before netfilter input).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable

from kaconsole.sim.files import SimSpec
from kaconsole.sim.node import SimNode
from kaconsole.sim.wire import SimAdvert, ethernet_frame, pcap_record

#: Wire and stack latency of one advert between nodes (seconds).
LINK_DELAY = 0.0002

CaptureListener = Callable[[bytes], None]


class Timer:
    """A scheduled callback; cancelling it is final."""

    __slots__ = ("callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class SimWorld:
    def __init__(self, specs: Iterable[SimSpec], start: float) -> None:
        self._now = start
        self._queue: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._ident = itertools.count(1)
        self.nodes = {
            s.name: SimNode(s, self, first_pid=612 + 1000 * i) for i, s in enumerate(specs)
        }
        self._deaf: set[str] = set()
        self._mute: set[str] = set()
        self._captures: dict[str, list[CaptureListener]] = {name: [] for name in self.nodes}

    # --- time ----------------------------------------------------------------------------------

    def now(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(self._now + max(delay, 0.0), callback)
        heapq.heappush(self._queue, (timer.when, next(self._seq), timer))
        return timer

    def next_due(self) -> float | None:
        """When the next live timer fires (None: nothing is scheduled)."""
        while self._queue and self._queue[0][2].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0][0] if self._queue else None

    def run_until(self, until: float) -> None:
        """Fire every timer due by `until`, in order, each at its own time; then stand there."""
        while (due := self.next_due()) is not None and due <= until:
            _, _, timer = heapq.heappop(self._queue)
            self._now = max(self._now, timer.when)
            timer.callback()
        self._now = max(self._now, until)

    def advance(self, seconds: float) -> None:
        self.run_until(self._now + seconds)

    # --- the segment ---------------------------------------------------------------------------

    def boot(self) -> None:
        """Every node comes up: nginx, then keepalived (the startup election follows)."""
        for node in self.nodes.values():
            node.start_nginx()
            node.start_keepalived()

    def transmit(self, sender: str, advert: SimAdvert) -> None:
        if sender in self._mute:
            return
        frame = ethernet_frame(advert, next(self._ident))
        self.call_later(LINK_DELAY, lambda: self._arrive(sender, advert, frame))

    def _arrive(self, sender: str, advert: SimAdvert, frame: bytes) -> None:
        record = pcap_record(self._now, frame)
        for name, node in self.nodes.items():
            for listener in list(self._captures[name]):
                listener(record)
            if name != sender and name not in self._deaf:
                node.receive(advert)

    def block_vrrp(self, node: str, *, inbound: bool = True, outbound: bool = True) -> None:
        """Drop VRRP into and/or out of `node` (both: the lab's vrrp-block; in only: vrrp-deaf)."""
        self._node(node)
        if inbound:
            self._deaf.add(node)
        if outbound:
            self._mute.add(node)

    def unblock_vrrp(self, node: str) -> None:
        self._node(node)
        self._deaf.discard(node)
        self._mute.discard(node)

    def subscribe_capture(self, node: str, listener: CaptureListener) -> Callable[[], None]:
        """Pcap records of what `node`'s interface sees, from now on; returns the unsubscribe."""
        listeners = self._captures[self._node(node).spec.name]
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def vip_server(self) -> str | None:
        """The node that answers HTTP through the VIP: of the holders, the one whose gratuitous
        ARP came last (clients' ARP caches point there), if its nginx runs."""
        holders = [n for n in self.nodes.values() if n.vip_set]
        if not holders:
            return None
        latest = max(holders, key=lambda n: n.garp_at)
        return latest.spec.name if latest.nginx else None

    def _node(self, name: str) -> SimNode:
        try:
            return self.nodes[name]
        except KeyError:
            raise ValueError(f"no simulated node named {name!r}") from None
