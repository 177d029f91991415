"""VRRP timers and effective priority (RFC 3768/5798 section 6, as keepalived computes them).

skew = (256 - priority) / 256 s (v2), (256 - priority) x advert_int / 256 (v3); the master-down
interval is 3 x advert_int + skew. keepalived truncates both to microseconds; the exact values are
returned here (they differ by less than 1 us). The effective priority is the base plus the weights
of the trackers that apply, clamped to 1..254; 255 (address owner) is never changed; a failing
weight-0 tracker means FAULT.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

OWNER = 255
"""The address owner's priority: always MASTER when up, never changed by trackers."""

def check_timers(priority: int, advert_int: float, version: int) -> None:
    if version not in (2, 3):
        raise ValueError(f"VRRP version {version}: expected 2 or 3")
    if not 0 <= priority <= OWNER:
        raise ValueError(f"priority {priority}: expected 0..255")
    if not advert_int > 0:
        raise ValueError(f"advert_int {advert_int}: expected a positive number of seconds")


def _skew(priority: int, advert_int: float, version: int) -> Fraction:
    check_timers(priority, advert_int, version)
    scale = Fraction(advert_int) if version == 3 else Fraction(1)
    return (256 - priority) * scale / 256


def skew_time(priority: int, advert_int: float, version: int) -> float:
    """Seconds a BACKUP adds to its timers, so that the higher priority times out first."""
    return float(_skew(priority, advert_int, version))


def master_down_interval(priority: int, advert_int: float, version: int, *,
                         down_adverts: int = 3) -> float:
    """Seconds without adverts before a BACKUP takes over (keepalived's down_timer_adverts)."""
    if not 1 <= down_adverts <= 100:
        raise ValueError(f"down_adverts {down_adverts}: expected 1..100")
    return float(down_adverts * Fraction(advert_int) + _skew(priority, advert_int, version))


def effective_priority(base: int, weights_failed: Iterable[int] = (),
                       weights_ok: Iterable[int] = ()) -> int | None:
    """The priority keepalived advertises, or None for FAULT (a weight-0 tracker failed).

    A tracker with a negative weight counts while it fails, one with a positive weight while it
    succeeds. A `reverse` tracker goes in the other list with its weight negated.
    """
    failed, ok = list(weights_failed), list(weights_ok)
    if 0 in failed:
        return None
    if not 1 <= base <= OWNER:
        raise ValueError(f"priority {base}: expected 1..255")
    if base == OWNER:
        return OWNER
    total = base + sum(w for w in failed if w < 0) + sum(w for w in ok if w > 0)
    return min(max(total, 1), OWNER - 1)
