"""Log lines carry the console's time they arrived, except the history a session replays."""

from __future__ import annotations

from kaconsole.core.facts import Fact, LogSeen
from kaconsole.transport.ingest import Ingest

LINES = [
    "Tue Nov 24 16:13:10 2026: (VI_1) Entering BACKUP STATE",
    "Tue Nov 24 16:13:14 2026: (VI_1) Entering MASTER STATE",
]


def _ingest(history: bool) -> list[LogSeen]:
    facts: list[Fact] = []
    Ingest("node1", facts.append, lambda: 1_795_538_000.5).log_lines(LINES, history=history)
    return [f for f in facts if isinstance(f, LogSeen)]


def test_live_lines_carry_their_arrival() -> None:
    seen = _ingest(history=False)
    assert [f.received for f in seen] == [1_795_538_000.5, 1_795_538_000.5]


def test_history_says_nothing_of_the_clock() -> None:
    seen = _ingest(history=True)
    assert len(seen) == 2
    assert all(f.received is None for f in seen)
