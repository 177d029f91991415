"""What clients saw during a drill, from the probes and the state changes the runner recorded.

Pure: times are epoch seconds of the console's host. The failover runs from the trigger action
to the first answer through the VIP from the new MASTER (the lab's nginx answers its node's
name, so the body says who answered); the client outage is the longest run of failed probes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kaconsole.core.facts import AdvertSeen, ProbeResult


@dataclass(frozen=True, slots=True)
class Sample:
    """The instance's MASTERs and VIP holders from `at` on (recorded when either changes)."""

    at: float
    masters: tuple[str, ...]
    holders: tuple[str, ...]
    #: The nodes whose MAC the VIP's neighbours (clients) resolve it to.
    clients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProbeTimeline:
    """The probes as the report's chart draws them, in seconds after `origin` (the trigger, or
    the first probe when nothing was triggered): pure numbers, so no answer's text (nor any
    secret in it) can reach the picture."""

    origin: str
    #: (seconds, answered, how long it took in seconds), in the order they were sent.
    probes: tuple[tuple[float, bool, float], ...]
    #: The longest run of failed probes (the client outage), start and end.
    outage: tuple[float, float] | None = None
    first_advert: float | None = None
    new_master: str | None = None


@dataclass(frozen=True, slots=True)
class Measurements:
    failover_seconds: float | None = None
    #: "http": an answer naming the new MASTER; "vip": the VIP seen on it (no probe named it).
    failover_basis: str | None = None
    client_outage_seconds: float | None = None
    probes: int = 0
    failed_probes: int = 0
    old_master: str | None = None
    new_master: str | None = None
    new_master_at_seconds: float | None = None
    first_advert_seconds: float | None = None
    #: Trigger -> every neighbour asked resolves the VIP to the new MASTER's MAC.
    clients_caught_up_seconds: float | None = None
    #: None without probes: a drill on a cluster with no `vip_probe` draws no chart.
    timeline: ProbeTimeline | None = None


def _names(body: str, name: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", body) is not None


def new_master(samples: Sequence[Sample], trigger_at: float, old: str | None) -> Sample | None:
    """The first sample after the trigger where a node other than `old` is the only MASTER."""
    return next(
        (s for s in samples
         if s.at >= trigger_at and len(s.masters) == 1 and s.masters[0] != old),
        None,
    )


def outage_span(probes: Sequence[ProbeResult]) -> tuple[float, float] | None:
    """The longest run of failed probes: from the first failure to the next success's start
    (to the last failure's end when none came); None when every probe was answered."""
    runs: list[tuple[float, float]] = []
    run_start: float | None = None
    last_end: float | None = None
    for p in sorted(probes, key=lambda p: p.at):
        if not p.ok:
            run_start = p.at if run_start is None else run_start
            last_end = p.at + p.duration
        elif run_start is not None:
            runs.append((run_start, p.at))
            run_start = None
    if run_start is not None and last_end is not None:
        runs.append((run_start, last_end))
    return max(runs, key=lambda r: r[1] - r[0], default=None)


def outage(probes: Sequence[ProbeResult]) -> float:
    span = outage_span(probes)
    return round(span[1] - span[0], 3) if span is not None else 0.0


def timeline(probes: Sequence[ProbeResult], trigger_at: float | None,
             m: Measurements) -> ProbeTimeline | None:
    """What the report's chart draws; None without a probe."""
    if not probes:
        return None
    ordered = sorted(probes, key=lambda p: p.at)
    zero = trigger_at if trigger_at is not None else ordered[0].at
    span = outage_span(ordered)
    return ProbeTimeline(
        origin="trigger" if trigger_at is not None else "first probe",
        probes=tuple((round(p.at - zero, 3), p.ok, round(p.duration, 3)) for p in ordered),
        outage=(round(span[0] - zero, 3), round(span[1] - zero, 3)) if span else None,
        first_advert=m.first_advert_seconds,
        new_master=m.new_master,
    )


def measure(
    *,
    trigger_at: float | None,
    old_master: str | None,
    samples: Sequence[Sample],
    probes: Sequence[ProbeResult] | None,
    adverts: Iterable[AdvertSeen],
    addresses: dict[str, frozenset[str]],
    nodes: Sequence[str],
) -> Measurements:
    """Measurements of one drill; `probes` None when the cluster has no `vip_probe`."""
    m = _measure(trigger_at, old_master, samples, probes, adverts, addresses, nodes)
    return replace(m, timeline=timeline(probes or (), trigger_at, m))


def _measure(
    trigger_at: float | None,
    old_master: str | None,
    samples: Sequence[Sample],
    probes: Sequence[ProbeResult] | None,
    adverts: Iterable[AdvertSeen],
    addresses: dict[str, frozenset[str]],
    nodes: Sequence[str],
) -> Measurements:
    out_outage = outage(probes) if probes is not None else None
    count = len(probes or ())
    failed = sum(not p.ok for p in probes or ())
    if trigger_at is None:
        return Measurements(client_outage_seconds=out_outage, probes=count, failed_probes=failed)
    taken = new_master(samples, trigger_at, old_master)
    if taken is None:
        return Measurements(client_outage_seconds=out_outage, probes=count,
                            failed_probes=failed, old_master=old_master)
    name = taken.masters[0]
    failover, basis = _failover(trigger_at, name, samples, probes, nodes)
    mine = addresses.get(name, frozenset())
    first = min((a.advert.ts for a in adverts
                 if a.advert.src in mine and a.advert.priority > 0
                 and a.advert.ts >= trigger_at), default=None)
    caught_up = next((x.at for x in samples if x.at >= taken.at and x.clients == (name,)), None)
    return Measurements(
        failover_seconds=failover,
        failover_basis=basis,
        client_outage_seconds=out_outage,
        probes=count,
        failed_probes=failed,
        old_master=old_master,
        new_master=name,
        new_master_at_seconds=round(taken.at - trigger_at, 3),
        first_advert_seconds=round(first - trigger_at, 3) if first is not None else None,
        clients_caught_up_seconds=(
            round(caught_up - trigger_at, 3) if caught_up is not None else None
        ),
    )


def _failover(
    trigger_at: float,
    name: str,
    samples: Sequence[Sample],
    probes: Sequence[ProbeResult] | None,
    nodes: Sequence[str],
) -> tuple[float | None, str | None]:
    after = sorted((p for p in probes or () if p.at >= trigger_at), key=lambda p: p.at)
    if any(_names(p.body, n) for p in after if p.ok for n in nodes):
        answer = next((p for p in after if p.ok and _names(p.body, name)), None)
        if answer is None:
            return None, "http"
        return round(answer.at + answer.duration - trigger_at, 3), "http"
    moved = next((s.at for s in samples if s.at >= trigger_at and s.holders == (name,)), None)
    if moved is None:
        return None, None
    if probes is None:
        return round(moved - trigger_at, 3), "vip"
    answer = next((p for p in after if p.ok and p.at >= moved), None)
    if answer is None:
        return None, "vip"
    return round(answer.at + answer.duration - trigger_at, 3), "vip"
