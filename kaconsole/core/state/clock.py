"""Each node's clock against the console's, from its log lines: one clock for the timeline.

A node stamps a log line with its own clock (`at`); the console receives the line later, on its
own clock (`received`). `received - at` is the offset between the two clocks plus the delay on
the way, and a delay is never negative, so the smallest difference seen overestimates the offset
by the shortest delay only. A time corrected with it is never earlier than the console's time of
the event, and a line's receive time is never earlier either: the smaller of the two is the
best bound, and an effect corrected so is never put before a console-side cause (the operator's
action). Lines stamped in whole seconds (keepalived's console and syslog formats) were written up
to a second after their stamp: that second is added, and said as the estimate's uncertainty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The minimum is kept per window of this many seconds of the console's clock, and the estimate
#: is taken over the current window and the last one: a stepped clock is followed within two.
WINDOW = 300.0
#: Skew between two nodes beyond this, once the estimates' uncertainty is taken off, is shown.
SKEW_SHOWN = 1.0
#: Syslog and keepalived's console format log local time without its zone: nodes in different
#: zones look skewed by whole quarter hours (within this slack), and the message says so.
ZONE_STEP, ZONE_SLACK = 900.0, 60.0


def resolution(at: float) -> float:
    """How much later than `at` the line may have been written: a second for whole seconds."""
    return 1.0 if at.is_integer() else 0.0


@dataclass(frozen=True, slots=True)
class ClockOffset:
    """The console's clock minus one node's, overestimated by the shortest delay seen."""

    current: float
    #: The minimum of the last window that had lines (None: this is the first).
    previous: float | None
    #: The console's time this window began.
    since: float
    #: Every line so far was stamped in whole seconds.
    coarse: bool

    @property
    def offset(self) -> float:
        return self.current if self.previous is None else min(self.current, self.previous)

    @property
    def uncertainty(self) -> float:
        return 1.0 if self.coarse else 0.0


def observe(est: ClockOffset | None, at: float, received: float) -> ClockOffset:
    """The estimate after one more line stamped `at` by the node and received at `received`;
    the same object when nothing changed (the reducer keeps its state then)."""
    sample = received - at
    coarse = resolution(at) > 0
    if est is None:
        return ClockOffset(sample, None, received, coarse)
    if received - est.since >= WINDOW:
        return ClockOffset(sample, est.current, received, est.coarse and coarse)
    if sample < est.current or (est.coarse and not coarse):
        return ClockOffset(min(sample, est.current), est.previous, est.since,
                           est.coarse and coarse)
    return est


def corrected(at: float, received: float | None, est: ClockOffset | None) -> float:
    """The console's time of a line the node stamped `at`: never earlier than it happened, and
    never later than it arrived. Without an estimate, the receive time (or `at` if unknown)."""
    if est is None:
        return received if received is not None else at
    late = at + resolution(at) + est.offset
    return late if received is None else min(late, received)


@dataclass(frozen=True, slots=True)
class Skew:
    """`ahead`'s clock reads `seconds` later than `behind`'s, give or take `uncertainty`."""

    ahead: str
    behind: str
    seconds: float
    uncertainty: float

    @property
    def message(self) -> str:
        plus = f" (±{self.uncertainty:.0f} s: whole-second log times)" if self.uncertainty else ""
        quarters = round(self.seconds / ZONE_STEP)
        if quarters and abs(self.seconds - quarters * ZONE_STEP) <= ZONE_SLACK:
            plus += " (whole quarter hours: do the nodes log in different time zones?)"
        return (f"clock skew: {self.ahead} is {self.seconds:.1f} s ahead of {self.behind}{plus}; "
                "the timeline orders by the console's clock")


def skews(clocks: Iterable[tuple[str, ClockOffset]]) -> list[Skew]:
    """Each node whose clock differs from the median node's by more than `SKEW_SHOWN` beyond what
    the two estimates can tell; nothing for nodes within it."""
    known = sorted(clocks, key=lambda c: c[1].offset)  # stable: inventory order among equals
    if len(known) < 2:
        return []
    ref, base = known[(len(known) - 1) // 2]
    out = []
    for name, est in known:
        gap = base.offset - est.offset  # > 0: this node's clock reads later than the median's
        doubt = max(base.uncertainty, est.uncertainty)
        if name != ref and abs(gap) - doubt > SKEW_SHOWN:
            ahead, behind = (name, ref) if gap > 0 else (ref, name)
            out.append(Skew(ahead, behind, abs(gap), doubt))
    return out
