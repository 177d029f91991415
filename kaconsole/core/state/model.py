"""The cluster state: immutable records that the reducer replaces and the widgets read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.events import Advert, LogEvent, LogKind, VrrpState
from kaconsole.core.facts import (
    InstanceSpec,
    NeighbourObserved,
    ProbeResult,
    ServiceState,
)
from kaconsole.core.state.clock import ClockOffset


@dataclass(frozen=True, slots=True)
class Evidence:
    """A log event kept beside an instance to explain its next transition."""

    at: float | None
    kind: LogKind
    fields: dict[str, Any]
    text: str

    @classmethod
    def of(cls, event: LogEvent, at: float | None) -> Evidence:
        return cls(at, event.kind, event.fields, event.text)


EMPTY_MAP: Mapping[Any, Any] = MappingProxyType({})


def _empty() -> Mapping[Any, Any]:
    return EMPTY_MAP


@dataclass(frozen=True, slots=True)
class Transition:
    """One instance on one node changed state, and why (CONTRACTS.md section 4)."""

    node: str
    instance: str
    from_state: VrrpState
    to_state: VrrpState
    at: float | None
    cause: str
    detail: str
    #: The node whose clock `at` reads (a log line's time); None: the console's (a poll).
    stamped_by: str | None = None
    #: When the console received what showed it, on its own clock (None: unknown).
    received: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "from": self.from_state.value,
            "to": self.to_state.value,
            "at": _iso(self.at),
            "cause": self.cause,
            "detail": self.detail,
        }


def _iso(at: float | None) -> str | None:
    """Epoch seconds as ISO 8601 in the console host's time zone, offset included."""
    return datetime.fromtimestamp(at, tz=UTC).astimezone().isoformat() if at is not None else None


@dataclass(frozen=True, slots=True)
class InstanceState:
    """One VRRP instance as one node runs it."""

    name: str
    state: VrrpState = VrrpState.UNKNOWN
    spec: InstanceSpec | None = None
    effective_priority: int | None = None
    base_priority: int | None = None
    since: float | None = None
    last_transition: Transition | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def vrid(self) -> int | None:
        return self.spec.vrid if self.spec else None


@dataclass(frozen=True, slots=True)
class NodeState:
    name: str
    host: str
    reachable: bool | None = None
    error: str | None = None
    services: Mapping[str, ServiceState] = field(default_factory=_empty)
    instances: tuple[InstanceState, ...] = ()
    addresses: frozenset[str] | None = None
    #: Each address's interface MAC, from the same poll as `addresses`.
    macs: Mapping[str, str] = field(default_factory=_empty)
    started_at: float | None = None
    #: Last time a node-wide sign was logged, by tag (e.g. "timer_expired": CPU starvation).
    signs: Mapping[str, float] = field(default_factory=_empty)
    #: Streams that do not work, by channel name, with the reason (a missing tool, an error).
    degraded: Mapping[str, str] = field(default_factory=_empty)
    #: Streams that work but have something to say (e.g. log lines rejected), by channel name.
    notes: Mapping[str, str] = field(default_factory=_empty)
    config: KeepalivedConfig | None = None
    #: Its clock against the console's, from its log lines (None until a line arrives).
    clock_offset: ClockOffset | None = None

    def instance(self, name: str) -> InstanceState | None:
        return next((i for i in self.instances if i.name == name), None)

    def service(self, name: str) -> ServiceState:
        return self.services.get(name, ServiceState.UNKNOWN)


@dataclass(frozen=True, slots=True)
class WireSource:
    """The latest advert from one source address for one VRID, and when each node last saw one.

    `gaps` holds, per capturing node, the time between its last two captures of this source: the
    advert matrix compares it with the advertised interval.
    """

    advert: Advert
    seen_at: Mapping[str, float]
    gaps: Mapping[str, float] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class ClusterState:
    cluster: str
    nodes: tuple[NodeState, ...]
    wire: Mapping[int, Mapping[str, WireSource]] = field(default_factory=_empty)
    transitions: tuple[Transition, ...] = ()
    #: Transitions ever recorded (the tuple keeps the last few): readers take what is new.
    transition_count: int = 0
    clock: float | None = None
    #: The console's own clock: the latest time it stamped on anything it received (a poll, a
    #: log line's arrival). `clock` mixes in the nodes' clocks; the timeline reads this one.
    console_clock: float | None = None
    probe: ProbeResult | None = None
    #: The latest answer for each VIP, by (observer, VIP): what the clients' caches hold.
    neighbours: Mapping[tuple[str, str], NeighbourObserved] = field(default_factory=_empty)

    def node(self, name: str) -> NodeState | None:
        return next((n for n in self.nodes if n.name == name), None)

    def owner(self, address: str) -> str | None:
        """The node that has `address` configured (its latest `ip addr`), if any."""
        return next((n.name for n in self.nodes if n.addresses and address in n.addresses), None)

    def name_of(self, address: object) -> str:
        """A peer as an engineer knows it: its node's name, or the address when no node of the
        inventory has it (a foreign router, or before the first `ip addr` poll)."""
        return self.owner(str(address)) or str(address)


def initial_state(cluster: str, nodes: Iterable[tuple[str, str]]) -> ClusterState:
    """An empty state for the named nodes (name, host), in inventory order."""
    return ClusterState(cluster=cluster, nodes=tuple(NodeState(n, h) for n, h in nodes))


