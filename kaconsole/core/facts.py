"""What the reducer folds: observations, each tagged with the node it came from.

Log lines and adverts arrive as parsed events; pollers report facts (reachability, service
status, addresses, keepalived's dump, the configuration). Every fact carries its own time, so
folding the same facts always gives the same state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.events import Advert, LogEvent, VrrpState


class ServiceState(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    """The part of a vrrp_instance the state needs, from the node's keepalived.conf."""

    name: str
    vrid: int
    priority: int
    advert_int: float = 1.0
    version: int = 2
    #: Addresses only, without prefix or options.
    vips: tuple[str, ...] = ()
    nopreempt: bool = False


def instance_specs(config: KeepalivedConfig) -> tuple[InstanceSpec, ...]:
    """The instances of a parsed keepalived.conf that have a VRID (others cannot run)."""
    return tuple(
        InstanceSpec(
            name=i.name,
            vrid=i.virtual_router_id,
            priority=i.priority,
            advert_int=i.advert_int,
            version=i.version or config.global_defs.vrrp_version,
            vips=i.vips,
            nopreempt=i.nopreempt,
        )
        for i in config.instances
        if i.virtual_router_id is not None
    )


@dataclass(frozen=True, slots=True)
class DumpInstance:
    """One instance as keepalived itself reports it (JSON or data dump)."""

    name: str
    state: VrrpState
    vrid: int | None = None
    base_priority: int | None = None
    effective_priority: int | None = None


@dataclass(frozen=True, slots=True)
class LogSeen:
    """A keepalived log line: `event.ts` is the node's clock, `received` the console's as the line
    arrived while written (None for history: the log a session replays as it starts, a file
    read offline)."""

    node: str
    event: LogEvent
    received: float | None = None


@dataclass(frozen=True, slots=True)
class AdvertSeen:
    """An advert captured on `node`'s interface."""

    node: str
    advert: Advert


@dataclass(frozen=True, slots=True)
class Reachability:
    node: str
    reachable: bool
    at: float
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceObserved:
    node: str
    service: str
    state: ServiceState
    at: float


@dataclass(frozen=True, slots=True)
class AddressesObserved:
    """Every address configured on the node (`ip -j addr`), VIPs included; `macs` maps each
    address to its interface's MAC (what a neighbour must resolve a VIP to)."""

    node: str
    addresses: frozenset[str]
    at: float
    macs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


#: The observer name of the console's own host when it is on the service segment (a client).
CONSOLE_HOST = "console"


@dataclass(frozen=True, slots=True)
class NeighbourObserved:
    """What `node` (a node, or CONSOLE_HOST) resolves `vip` to: its ARP cache entry, or who
    answered an arping when it had none. `mac` None: nothing answered."""

    node: str
    vip: str
    mac: str | None
    state: str
    at: float


@dataclass(frozen=True, slots=True)
class DumpObserved:
    node: str
    instances: tuple[DumpInstance, ...]
    at: float


@dataclass(frozen=True, slots=True)
class ConfigObserved:
    """The node's keepalived.conf as read (includes followed); `instances` what the state needs."""

    node: str
    instances: tuple[InstanceSpec, ...]
    at: float
    config: KeepalivedConfig | None = None

    @classmethod
    def of(cls, node: str, config: KeepalivedConfig, at: float) -> ConfigObserved:
        return cls(node, instance_specs(config), at, config)


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """One of a node's streams (log, capture, poll, dump, config) works or degraded, and why."""

    node: str
    channel: str
    ok: bool
    at: float
    message: str | None = None


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One HTTP GET through the VIP (the cluster file's `vip_probe`), from the console's host."""

    url: str
    ok: bool
    at: float
    duration: float
    status: int | None = None
    body: str = ""
    error: str | None = None


Fact = (
    LogSeen
    | AdvertSeen
    | Reachability
    | ServiceObserved
    | AddressesObserved
    | DumpObserved
    | ConfigObserved
    | ChannelStatus
    | ProbeResult
    | NeighbourObserved
)
