"""The live log follower's line splitter: any chunking of any text gives the same lines as
splitting it whole, each cut to the limit, with the cut lines counted; nothing longer is held."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.logs.bounds import MAX_LINE, LineSplitter

LIMIT = 8


def _whole(text: str) -> tuple[list[str], int]:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:LIMIT] for line in lines], sum(len(line) > LIMIT for line in lines)


@given(st.text(alphabet="ab\n", max_size=80), st.lists(st.integers(0, 80), max_size=6))
def test_any_chunking_gives_the_lines_cut_to_the_limit(text: str, cuts: list[int]) -> None:
    splitter = LineSplitter(LIMIT)
    got: list[str] = []
    start = 0
    for end in sorted(cuts):
        got += splitter.feed(text[start:end])
        assert splitter._size <= LIMIT
        start = max(start, end)
    got += splitter.feed(text[start:])
    got += splitter.flush()
    assert (got, splitter.cut_lines) == _whole(text)


def test_a_huge_line_is_held_to_the_limit_and_counted() -> None:
    splitter = LineSplitter()
    assert splitter.feed("Keepalived_vrrp " + "9" * 65_536) == []
    assert splitter.feed("9" * 65_536) == []
    line, following = splitter.feed("9\nnext\n")
    assert following == "next"
    assert len(line) == MAX_LINE
    assert line.startswith("Keepalived_vrrp 999")
    assert splitter.cut_lines == 1
    assert splitter.flush() == []
