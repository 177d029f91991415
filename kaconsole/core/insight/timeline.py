"""One incident timeline from several nodes' logs and captures, with the measured failover gaps.

Adverts arrive once a second per master, so the timeline keeps only what changed on the wire:
a new source for a VRID, a source's priority changing (0: the master resigning), and each
handover, with the gap between the old master's last advert and the new master's first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from kaconsole.core.events import Advert, LogEvent
from kaconsole.core.facts import LogSeen
from kaconsole.core.state.clock import ClockOffset, corrected, observe

#: A source silent for longer than this many advert intervals has stopped sending.
SILENCE_INTERVALS = 3


@dataclass(frozen=True, slots=True)
class Entry:
    at: float | None
    node: str
    source: str  # "log" or "wire"
    kind: str
    text: str
    data: dict[str, Any]
    #: The node whose clock stamped it, and that stamp, when `at` is the console's time of it
    #: corrected from that stamp (`core.state.clock`); None: `at` is as stamped.
    stamped_by: str | None = None
    stamped: float | None = None
    #: When the console received it, on the console's clock (None: not received live).
    received: float | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "ts": _iso(self.at),
            "node": self.node,
            "source": self.source,
            "kind": self.kind,
            **self.data,
            "text": self.text,
        }
        if self.stamped_by is not None:  # `ts` is the console's time; the node's own beside it
            out["node_ts"] = _iso(self.stamped)
        if self.received is not None:
            out["received"] = _iso(self.received)
        return out


@dataclass(frozen=True, slots=True)
class Failover:
    """A change of advertising master on one VRID, as measured on the wire."""

    vrid: int
    old: str
    new: str
    last_old: float
    first_new: float
    resigned: bool

    @property
    def gap(self) -> float:
        return self.first_new - self.last_old

    def to_json(self) -> dict[str, Any]:
        return {
            "vrid": self.vrid,
            "from": self.old,
            "to": self.new,
            "last_advert_old": _iso(self.last_old),
            "first_advert_new": _iso(self.first_new),
            "gap_seconds": round(self.gap, 3),
            "old_master_resigned": self.resigned,
        }


def _iso(at: float | None) -> str | None:
    if at is None:
        return None
    try:
        return datetime.fromtimestamp(at, tz=UTC).astimezone().isoformat()
    except (ValueError, OverflowError, OSError):  # near year 1 or 9999, shifted by the zone
        return None


def _seconds(ts: datetime | None) -> float | None:
    """Epoch seconds of a log's wall-clock time; None for one no epoch can hold (year 0001)."""
    if ts is None:
        return None
    try:
        return ts.timestamp()
    except (ValueError, OverflowError, OSError):
        return None


def log_entries(node: str, events: Iterable[LogEvent]) -> list[Entry]:
    out = []
    for ev in events:
        at = _seconds(ev.ts)
        data = {"instance": ev.instance, **ev.fields}
        out.append(Entry(at, node, "log", ev.kind.value, ev.text, data))
    return out


def received_entries(node: str, seen: Sequence[LogSeen]) -> list[Entry]:
    """A recording's log lines of one node at the console's time of each: the node's stamps
    corrected by its clock against the console's, measured over the whole recording
    (`core.state.clock`); lines recorded without their arrival time keep their stamps."""
    est: ClockOffset | None = None
    for f in seen:
        if f.received is not None and f.event.ts is not None:
            est = observe(est, f.event.ts.timestamp(), f.received)
    out = []
    for entry, f in zip(log_entries(node, (f.event for f in seen)), seen, strict=True):
        if entry.at is not None and f.received is not None:
            at = corrected(entry.at, f.received, est)
            entry = replace(entry, at=at, stamped_by=node, stamped=entry.at, received=f.received)
        out.append(entry)
    return out


def wire_entries(node: str, adverts: Iterable[Advert]) -> tuple[list[Entry], list[Failover]]:
    """Changes on the wire seen by one capture, and the handovers between masters."""
    entries: list[Entry] = []
    failovers: list[Failover] = []
    # vrid -> (current master src, its last advert ts with priority > 0, resigned)
    current: dict[int, tuple[str, float, bool]] = {}
    last_prio: dict[tuple[int, str], int] = {}
    for adv in sorted(adverts, key=lambda a: a.ts):
        key = (adv.vrid, adv.src)
        data = {"vrid": adv.vrid, "src": adv.src, "priority": adv.priority}
        if last_prio.get(key) != adv.priority:
            what = (
                f"{adv.src} resigns VRID {adv.vrid} (priority 0)"
                if adv.priority == 0
                else f"{adv.src} advertises VRID {adv.vrid} with priority {adv.priority}"
            )
            kind = "advert_zero" if adv.priority == 0 else "advert_source"
            entries.append(Entry(adv.ts, node, "wire", kind, what, data))
            last_prio[key] = adv.priority
        cur = current.get(adv.vrid)
        if adv.priority == 0:
            if cur and cur[0] == adv.src:
                current[adv.vrid] = (cur[0], cur[1], True)
            continue
        if cur and cur[0] != adv.src:
            silent = adv.ts - cur[1] > SILENCE_INTERVALS * adv.advert_int
            if silent or cur[2]:
                fo = Failover(adv.vrid, cur[0], adv.src, cur[1], adv.ts, cur[2])
                failovers.append(fo)
                text = (
                    f"VRID {adv.vrid}: {adv.src} took over from {cur[0]}; "
                    f"no master advert for {fo.gap:.2f} s"
                )
                entries.append(Entry(adv.ts, node, "wire", "failover", text, fo.to_json()))
            else:
                # Two sources at once: split brain, reported by the state, not a handover.
                continue
        current[adv.vrid] = (adv.src, adv.ts, False)
    return entries, failovers


def merge(*groups: Iterable[Entry]) -> list[Entry]:
    """All entries in time order; lines without a time keep their place after the timed ones."""
    items = [e for g in groups for e in g]
    return sorted(items, key=lambda e: (e.at is None, e.at or 0.0))
