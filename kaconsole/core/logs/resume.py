"""Resuming a followed log after a reconnect without losing or repeating a line.

`tail -n N -F` (and `journalctl -n N -f`) replay the last N lines first. The session keeps the
last lines it delivered; the replay's new part starts after the place where those lines end.
Matching a run of lines, not one, matters: keepalived repeats identical lines within a second
(five `Sending gratuitous ARP ...` in a row).
"""

from __future__ import annotations

from collections.abc import Sequence

#: How many delivered lines are remembered and matched.
MATCH_LINES = 20


def lines_after(delivered: Sequence[str], replay: Sequence[str]) -> list[str]:
    """The lines of `replay` not yet delivered; all of it when the two do not overlap."""
    tail = list(delivered[-MATCH_LINES:])
    if not tail:
        return list(replay)
    for end in range(len(replay) - 1, -1, -1):
        k = min(len(tail), end + 1)
        if list(replay[end - k + 1 : end + 1]) == tail[-k:] and _covers(tail, replay, end, k):
            return list(replay[end + 1 :])
    return list(replay)


def _covers(tail: list[str], replay: Sequence[str], end: int, k: int) -> bool:
    """A match shorter than the tail counts only when it reaches the start of the replay."""
    return k == len(tail) or end - k + 1 == 0
