from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from kaconsole.transport.retry import Backoff


def test_delays_grow_then_cap_and_reset() -> None:
    b = Backoff(base=1, cap=8, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(8)]
    assert 0.5 <= delays[0] <= 1
    assert 4 <= delays[4] <= 8
    assert all(d <= 8 for d in delays)
    b.reset()
    assert b.next_delay() <= 1


@given(st.integers(0, 200), st.floats(0.01, 5), st.floats(5, 100))
def test_delay_never_exceeds_cap(n: int, base: float, cap: float) -> None:
    b = Backoff(base=base, cap=cap, attempt=n)
    assert 0 < b.next_delay() <= cap
