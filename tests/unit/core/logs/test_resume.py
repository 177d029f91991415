from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.logs.resume import lines_after

GARP = "Wed Nov 25 15:29:25 2026: Sending gratuitous ARP on eth0 for 192.0.2.100"


def test_replay_with_new_lines_yields_only_the_new() -> None:
    assert lines_after(["a", "b", "c"], ["a", "b", "c", "d", "e"]) == ["d", "e"]


def test_nothing_new() -> None:
    assert lines_after(["a", "b", "c"], ["b", "c"]) == []


def test_no_overlap_delivers_everything() -> None:
    assert lines_after(["a", "b"], ["x", "y"]) == ["x", "y"]


def test_repeated_identical_lines_are_not_lost() -> None:
    delivered = ["start", GARP, GARP]
    replay = ["start", GARP, GARP, GARP, GARP, GARP, "end"]
    assert lines_after(delivered, replay) == [GARP, GARP, GARP, "end"]


def test_nothing_delivered_yet() -> None:
    assert lines_after([], ["a"]) == ["a"]


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 10), st.integers(1, 30))
def test_resume_is_exact_when_the_replay_reaches_back_far_enough(
    total: int, cut: int, new: int, back: int
) -> None:
    # Lines are unique, as keepalived's are with their time stamps, except for runs of repeats.
    log = [f"line {i // 3 if i % 7 == 0 else i}" for i in range(total + new)]
    cut = min(cut, total)
    delivered = log[:cut]
    start = max(0, cut - back)  # the replay reaches back `back` lines before the cut
    assert delivered + lines_after(delivered, log[start:]) == log
