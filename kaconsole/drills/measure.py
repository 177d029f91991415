"""What clients saw during a drill, from the probes and the state changes the runner recorded.

Pure: times are epoch seconds of the console's host. The failover runs from the trigger action
to the first answer through the VIP from the new MASTER (the lab's nginx answers its node's
name, so the body says who answered); the client outage is the longest run of failed probes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


def _names(body: str, name: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", body) is not None


def new_master(samples: Sequence[Sample], trigger_at: float, old: str | None) -> Sample | None:
    """The first sample after the trigger where a node other than `old` is the only MASTER."""
    return next(
        (s for s in samples
         if s.at >= trigger_at and len(s.masters) == 1 and s.masters[0] != old),
        None,
    )


def outage(probes: Sequence[ProbeResult]) -> float:
    """The longest run of failed probes: from the first failure to the next success's start."""
    longest, run_start, last_end = 0.0, None, None
    for p in sorted(probes, key=lambda p: p.at):
        if not p.ok:
            run_start = p.at if run_start is None else run_start
            last_end = p.at + p.duration
        elif run_start is not None:
            longest = max(longest, p.at - run_start)
            run_start = None
    if run_start is not None and last_end is not None:
        longest = max(longest, last_end - run_start)
    return round(longest, 3)


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
