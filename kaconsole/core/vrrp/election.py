"""The VRRP rules, once: timers, effective priority, and who is (or becomes) MASTER.

RFC 3768 and RFC 5798 section 6, as keepalived 2.2.7 implements them (vrrp.c, vrrp_track.c):

* Timers and effective priority: `timers.py`.
* A BACKUP takes over only when the MASTER's priority is strictly lower than its own (it ignores
  the lower adverts and its master-down timer runs out) or 0 (the MASTER resigns: it takes over
  after its skew alone). The higher primary IP decides only between two MASTERs. A BACKUP with
  nopreempt accepts any MASTER's adverts and never takes over while one is heard.
* The effective priority is the base plus the weights of the trackers that apply, clamped to
  1..254; 255 (address owner) is never changed; a failing weight-0 tracker means FAULT.

`elect` says who should be MASTER in the steady state, `predict` what one change does, each with
a one-line reason that the check, explanations and drills show as they are.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from kaconsole.core.events import VrrpState
from kaconsole.core.vrrp.timers import (
    OWNER,
    check_timers,
    effective_priority,
    master_down_interval,
    skew_time,
)

_SILENT = (VrrpState.STOP, VrrpState.FAULT, VrrpState.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Router:
    """One node's VRRP instance, as the election sees it."""

    name: str
    address: str
    """Primary IP address (the source of its adverts); the higher one wins a MASTER tie."""
    base_priority: int
    """The configured `priority`, 1..255."""
    state: VrrpState = VrrpState.BACKUP
    """Its state now; STOP when keepalived is not running, UNKNOWN when nothing is heard."""
    nopreempt: bool = False
    weights_failed: tuple[int, ...] = ()
    """Weights of its failing trackers (see effective_priority)."""
    weights_ok: tuple[int, ...] = ()
    """Weights of its passing trackers."""

    def __post_init__(self) -> None:
        ipaddress.ip_address(self.address)  # ValueError for a bad address
        effective_priority(self.base_priority)

    @property
    def priority(self) -> int | None:
        """The effective priority; None while a weight-0 tracker fails (FAULT)."""
        return effective_priority(self.base_priority, self.weights_failed, self.weights_ok)

    @property
    def eligible(self) -> bool:
        """Running, out of FAULT, heard: it takes part in the election."""
        return self.state not in _SILENT and self.priority is not None


@dataclass(frozen=True, slots=True)
class Election:
    """One VRRP instance across its nodes, with the timers they share."""

    routers: tuple[Router, ...]
    advert_int: float = 1.0
    version: int = 2

    def __post_init__(self) -> None:
        check_timers(1, self.advert_int, self.version)
        names = [r.name for r in self.routers]
        if len(set(names)) != len(names):
            raise ValueError(f"router names must be unique: {names}")

    def router(self, name: str) -> Router:
        for r in self.routers:
            if r.name == name:
                return r
        raise ValueError(f"no router named {name!r}")

    def skew(self, r: Router) -> float:
        return skew_time(_p(r), self.advert_int, self.version)

    def master_down(self, r: Router) -> float:
        return master_down_interval(_p(r), self.advert_int, self.version)

    def start_timer(self, r: Router, from_fault: bool) -> tuple[float, str]:
        """Seconds from keepalived starting (or leaving FAULT) to r becoming MASTER if nothing
        stronger is heard, and why that long.

        `state MASTER` does not shorten this outside sync groups (keepalived 2.2.7, seen on the
        lab: priority 120 took over 3.58 s after starting): only the address owner is quicker.
        """
        if _p(r) == OWNER:
            if from_fault:
                return self.advert_int + self.skew(r), "after one advert interval, as the owner"
            return 0.0, "at once, as the address owner"
        return self.master_down(r), "when its master-down interval runs out"


@dataclass(frozen=True, slots=True)
class StopKeepalived:
    """keepalived stops cleanly on `node`: a MASTER sends priority 0 first."""

    node: str


@dataclass(frozen=True, slots=True)
class StartKeepalived:
    """keepalived starts on `node` (in BACKUP, or FAULT if a weight-0 tracker fails)."""

    node: str


@dataclass(frozen=True, slots=True)
class NodeDies:
    """`node` stops being heard without resigning: power, kernel, network or a firewall."""

    node: str


@dataclass(frozen=True, slots=True)
class TrackerFails:
    """A passing tracker of `node` with this weight fails."""

    node: str
    weight: int
    script: str = "a tracked script"


@dataclass(frozen=True, slots=True)
class TrackerRecovers:
    """A failing tracker of `node` with this weight passes again."""

    node: str
    weight: int
    script: str = "a tracked script"


Change = StopKeepalived | StartKeepalived | NodeDies | TrackerFails | TrackerRecovers


@dataclass(frozen=True, slots=True)
class Outcome:
    """Who should be MASTER in the steady state, and why."""

    master: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one change does: the MASTER after it, when, and why in one line."""

    before: str | None
    """The MASTER in the settled state before the change."""
    master: str | None
    """The MASTER once the election has settled after it (None: no one holds the VIP)."""
    earliest: float | None
    """Seconds after the change when the new MASTER takes over, at the soonest (None: no move)."""
    latest: float | None
    """... and at the latest (adverts come once an interval, so silence is noticed in a range)."""
    cause: str | None
    """The new MASTER's transition cause (CONTRACTS.md section 4); None when nothing moves."""
    reason: str
    after: Election
    """The settled state after the change, to chain the next prediction."""

    @property
    def moved(self) -> bool:
        return self.master != self.before


def _p(r: Router) -> int:
    return r.priority or 0


def _rank(r: Router) -> tuple[int, int]:
    return _p(r), int(ipaddress.ip_address(r.address))


def _tie(routers: list[Router], top: Router, verb: str) -> str:
    names = " and ".join(r.name for r in routers)
    if len({_p(r) for r in routers}) == 1:
        return (f"{names} {verb} with priority {_p(top)}: the higher primary IP "
                f"{top.address} ({top.name}) wins")
    return f"{names} {verb}: {top.name} has the highest priority, {_p(top)}"


def elect(election: Election) -> Outcome:
    """The steady-state MASTER, given who is MASTER now (it matters for nopreempt and ties)."""
    cands = [r for r in election.routers if r.eligible]
    if not cands:
        return Outcome(None, "no router can be MASTER: keepalived is stopped, silent or in FAULT")
    masters = [r for r in cands if r.state is VrrpState.MASTER]
    if masters:
        top = max(masters, key=_rank)
        why = (f"{top.name} is MASTER with priority {_p(top)}" if len(masters) == 1
               else _tie(masters, top, "claim MASTER"))
    else:
        first = [r for r in cands if _p(r) == max(map(_p, cands))]
        top = max(first, key=_rank)
        why = (f"no MASTER: {top.name} has the highest priority, {_p(top)}, and times out first"
               if len(first) == 1 else _tie(first, top, "time out together and become MASTER"))
    takers = [r for r in cands
              if r.state is not VrrpState.MASTER and not r.nopreempt and _p(r) > _p(top)]
    if takers:
        win = max(takers, key=_rank)
        return Outcome(win.name, f"{why}; {win.name} ({_p(win)}) is higher and preempts it")
    for r in cands if masters else ():
        if r is not top and r.state is not VrrpState.MASTER and _p(r) >= _p(top):
            rule = ("has nopreempt" if _p(r) > _p(top)
                    else "has the same priority: a BACKUP does not take over on a tie")
            why += f"; {r.name} ({_p(r)}) {rule}"
    return Outcome(top.name, why)


def _settle(election: Election, master: str | None) -> Election:
    """The election once it has settled on `master`: everyone else eligible is BACKUP."""
    def state(r: Router) -> VrrpState:
        if r.eligible:
            return VrrpState.MASTER if r.name == master else VrrpState.BACKUP
        return VrrpState.FAULT if r.state in (VrrpState.MASTER, VrrpState.BACKUP) else r.state
    return replace(election, routers=tuple(replace(r, state=state(r)) for r in election.routers))


def _move(r: Router, weight: int, to_failed: bool) -> Router:
    source = r.weights_ok if to_failed else r.weights_failed
    if weight not in source:
        status = "passing" if to_failed else "failing"
        raise ValueError(f"{r.name} has no {status} tracker with weight {weight}")
    rest = list(source)
    rest.remove(weight)
    if to_failed:
        return replace(r, weights_ok=tuple(rest), weights_failed=(*r.weights_failed, weight))
    return replace(r, weights_failed=tuple(rest), weights_ok=(*r.weights_ok, weight))


def _apply(r: Router, change: Change) -> tuple[Router, str]:
    """The router after the change, and what the change did to it, in words."""
    running = r.state is not VrrpState.STOP
    if isinstance(change, StopKeepalived | NodeDies):
        if not running:
            return r, f"keepalived is not running on {r.name}"
        if isinstance(change, NodeDies):
            return replace(r, state=VrrpState.STOP), f"{r.name} goes silent (no priority 0 advert)"
        zero = " sends priority 0" if r.state is VrrpState.MASTER else ""
        return replace(r, state=VrrpState.STOP), f"keepalived stopping on {r.name}{zero}"
    if isinstance(change, StartKeepalived):
        if running:
            return r, f"keepalived already runs on {r.name}"
        new = replace(r, state=VrrpState.BACKUP if r.priority is not None else VrrpState.FAULT)
        return new, (f"{r.name} starts with priority {new.priority}" if new.eligible
                     else f"{r.name} starts in FAULT (a weight-0 tracker fails)")
    fails = isinstance(change, TrackerFails)
    new = _move(r, change.weight, to_failed=fails)
    what = f"{change.script} {'failing' if fails else 'recovering'} on {r.name}"
    old_p, new_p = r.priority, new.priority
    if new_p is None:
        zero = ", so it sends priority 0" if r.state is VrrpState.MASTER else ""
        state = VrrpState.FAULT if running else r.state
        return replace(new, state=state), f"{what} (weight 0) puts it in FAULT{zero}"
    if old_p is None:
        state = VrrpState.BACKUP if r.state is VrrpState.FAULT else r.state
        return replace(new, state=state), f"{what} takes it out of FAULT with priority {new_p}"
    if r.base_priority == OWNER:
        return new, f"{what} leaves its priority at 255: an address owner's never changes"
    if new_p == old_p:
        return new, f"{what} leaves its priority at {old_p} (clamped to 1..254)"
    verb = "lowers" if new_p < old_p else "raises"
    return new, f"{what} {verb} {old_p} by {abs(old_p - new_p)} to {new_p}"


def predict(election: Election, change: Change) -> Prediction:
    """The MASTER after one change to the settled state, when it takes over, and why.

    Times count from the change (for a start: from keepalived running) and leave out the
    script interval and daemon start-up time.
    """
    before = elect(election)
    settled = _settle(election, before.master)
    old = settled.router(change.node)
    new, headline = _apply(old, change)
    changed = replace(settled, routers=tuple(new if r is old else r for r in settled.routers))
    after = elect(changed)
    result = _settle(changed, after.master)
    if after.master == before.master:
        return Prediction(before.master, after.master, None, None, None,
                          _stays(headline, settled, old, new, before.master), result)
    if after.master is None:
        return Prediction(before.master, None, 0.0, 0.0, "stopped",
                          f"{headline}: no router is left to be MASTER, the VIP is gone", result)
    win = changed.router(after.master)
    tie = [r for r in changed.routers if r.eligible and _p(r) == _p(win)]
    tail = f"; {_tie(tie, win, 'tie')}" if len(tie) > 1 else ""
    prev = settled.router(before.master) if before.master else None
    if prev is not None and not changed.router(prev.name).eligible:
        if isinstance(change, NodeDies):
            late = changed.master_down(win)
            return Prediction(prev.name, win.name, late - changed.advert_int, late,
                              "advert_timeout", f"{headline}: {win.name} ({_p(win)}) takes over "
                              f"when its master-down timer expires, {late:.2f} s after "
                              f"{prev.name}'s last advert{tail}", result)
        skew = changed.skew(win)
        return Prediction(prev.name, win.name, skew, skew, "priority_zero",
                          f"{headline}: {win.name} ({_p(win)}) takes over after its skew time, "
                          f"{skew:.2f} s{tail}", result)
    if win is new and not old.eligible:
        start, how = changed.start_timer(win, from_fault=old.state is VrrpState.FAULT)
        cause = "startup" if prev is None else "preempted"
        over = f", above {prev.name}'s {_p(prev)}" if prev is not None else ""
        return Prediction(before.master, win.name, start, start, cause,
                          f"{headline}{over}: it becomes MASTER {how}, {start:.2f} s{tail}", result)
    late = changed.master_down(win)
    dropped = prev is not None and new.name == prev.name
    cause = "script_failed" if dropped else "preempted"
    if dropped:
        above = f", below {win.name}'s {_p(win)}"
    else:
        above = f", above {prev.name}'s {_p(prev)}" if prev is not None and new is win else ""
    return Prediction(before.master, win.name, late - changed.advert_int, late, cause,
                      f"{headline}{above}: {win.name} ignores the lower adverts and takes over "
                      f"when its master-down timer runs out, within {late:.2f} s{tail}", result)


def _stays(headline: str, settled: Election, old: Router, new: Router,
           master: str | None) -> str:
    """Why nothing moves: the rule that keeps the VIP where it is."""
    if master is None:
        return f"{headline}: still no router can be MASTER"
    if new.name != master:
        holder = _p(settled.router(master))
        if not new.eligible or old == new:
            return f"{headline}: {master} stays MASTER"
        if _p(new) < holder:
            return f"{headline}, below {master}'s {holder}: {master} stays MASTER"
        if _p(new) == holder:
            return (f"{headline}, equal to {master}'s {holder}: a BACKUP does not take over "
                    f"on equal priority, so the VIP stays on {master}")
        return f"{headline}, above {master}'s {holder}, but with nopreempt it stays BACKUP"
    others = [r for r in settled.routers if r.eligible and r.name != master]
    if not others or old == new:
        return f"{headline}: the VIP stays on {master}"
    best = max(others, key=_rank)
    if _p(new) > _p(best):
        return f"{headline}, still above {best.name}'s {_p(best)}: the VIP stays on {master}"
    if _p(new) == _p(best):
        return (f"{headline}, equal to {best.name}'s {_p(best)}: a BACKUP does not take over "
                f"on equal priority, so the VIP stays on {master}")
    return (f"{headline}, below {best.name}'s {_p(best)}, but {best.name} has nopreempt: "
            f"the VIP stays on {master}")
