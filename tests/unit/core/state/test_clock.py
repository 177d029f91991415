"""Each node's clock against the console's: the estimate, the corrected time, the skew shown."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kaconsole.core.state.clock import (
    WINDOW,
    ClockOffset,
    corrected,
    observe,
    resolution,
    skews,
)

BASE = 1_795_538_000.25  # the console's clock when the simulated world starts (not whole)


def _fold(samples: list[tuple[float, float]]) -> ClockOffset:
    est: ClockOffset | None = None
    for at, received in samples:
        est = observe(est, at, received)
    assert est is not None
    return est


def test_the_smallest_difference_wins_and_an_unchanged_estimate_is_kept() -> None:
    est = observe(None, BASE, BASE + 3.5)
    assert est.offset == 3.5
    assert observe(est, BASE + 1, BASE + 6) is est  # 5 s late: says nothing new
    lower = observe(est, BASE + 2, BASE + 5.2)
    assert math.isclose(lower.offset, 3.2, abs_tol=1e-6)
    assert not lower.coarse


def test_a_stepped_clock_is_followed_within_two_windows() -> None:
    est = _fold([(BASE, BASE + 2.0), (BASE + WINDOW, BASE + WINDOW + 7.0)])
    assert est.offset == 2.0  # the last window still counts
    est = observe(est, BASE + 2 * WINDOW, BASE + 2 * WINDOW + 7.0)
    assert est.offset == 7.0


def test_whole_second_stamps_are_a_second_uncertain() -> None:
    est = _fold([(1_795_538_000.0, 1_795_538_000.7)])
    assert est.coarse
    assert est.uncertainty == 1.0
    assert resolution(1_795_538_000.0) == 1.0
    # written up to a second after its stamp: placed at the latest, bounded by its arrival
    assert corrected(1_795_538_005.0, 1_795_538_005.9, est) == 1_795_538_005.9
    assert corrected(1_795_538_005.0, None, est) == 1_795_538_006.7


def test_without_an_estimate_the_arrival_is_the_time() -> None:
    assert corrected(BASE, BASE + 0.4, None) == BASE + 0.4
    assert corrected(BASE, None, None) == BASE


def _est(offset: float, coarse: bool = False) -> ClockOffset:
    return ClockOffset(offset, None, BASE, coarse)


def test_skew_beyond_a_second_names_the_nodes() -> None:
    (skew,) = skews([("node1", _est(0.05)), ("node2", _est(-3.15))])
    assert (skew.ahead, skew.behind) == ("node2", "node1")
    assert skew.message.startswith("clock skew: node2 is 3.2 s ahead of node1")


def test_a_skew_of_whole_hours_suggests_time_zones() -> None:
    (skew,) = skews([("node1", _est(0.05)), ("node2", _est(-3600.3))])
    assert "do the nodes log in different time zones?" in skew.message
    (skew,) = skews([("node1", _est(0.05)), ("node2", _est(-300.0))])
    assert "time zones" not in skew.message


def test_skew_under_a_second_is_silent() -> None:
    assert skews([("node1", _est(0.05)), ("node2", _est(-0.85))]) == []
    assert skews([("node1", _est(0.05))]) == []


def test_whole_second_estimates_need_a_second_more() -> None:
    pair = [("node1", _est(0.05, coarse=True)), ("node2", _est(-1.6, coarse=True))]
    assert skews(pair) == []
    pair[1] = ("node2", _est(-3.1, coarse=True))
    (skew,) = skews(pair)
    assert "(±1 s: whole-second log times)" in skew.message


def test_the_odd_node_out_is_named_against_the_median() -> None:
    found = skews([("n1", _est(0.1)), ("n2", _est(0.2)), ("n3", _est(5.2))])
    assert [(s.ahead, s.behind) for s in found] == [("n2", "n3")]


# --- the property: a constant skew per node plus any positive delay ------------------------

NODES = ("node1", "node2", "node3")


@st.composite
def worlds(draw: st.DrawFn) -> tuple[dict[str, float], list[tuple[str, float, float]]]:
    """Each node's clock offset (console minus node), and lines: (node, true time, delay)."""
    offsets = {n: draw(st.floats(-30, 30)) for n in NODES}
    lines = draw(st.lists(
        st.tuples(st.sampled_from(NODES), st.floats(0, 120), st.floats(0.001, 2.0)),
        min_size=2, max_size=40,
    ))
    return offsets, [(n, BASE + t, d) for n, t, d in lines]


@settings(max_examples=300, deadline=None)
@given(worlds(), st.floats(0, 120))
def test_corrected_times_never_put_an_effect_before_its_cause(
    world: tuple[dict[str, float], list[tuple[str, float, float]]], acted: float
) -> None:
    offsets, lines = world
    stamped = [(n, t, t - offsets[n], t + d) for n, t, d in lines]
    for _, _, at, _ in stamped:
        assume(not at.is_integer())
    estimates: dict[str, ClockOffset] = {}
    for n, _, at, received in sorted(stamped, key=lambda s: s[3]):  # in order of arrival
        estimates[n] = observe(estimates.get(n), at, received)
    shortest = {n: min(d for m, _, d in lines if m == n) for n in estimates}
    slack = 1e-6  # float rounding of epoch seconds
    for n, est in estimates.items():
        assert -slack <= est.offset - offsets[n] <= shortest[n] + slack
    for a in estimates:
        for b in estimates:
            error = (estimates[a].offset - estimates[b].offset) - (offsets[a] - offsets[b])
            assert abs(error) <= max(shortest[a], shortest[b]) + slack

    timeline = [(corrected(at, rx, estimates[n]), i, n, t) for i, (n, t, at, rx)
                in enumerate(stamped)]
    action = BASE + acted  # the operator acted on the console's clock
    for when, _, _, t in timeline:
        if t > action:  # anything that happened after the action is shown after it
            assert when >= t - slack
            assert when > action - slack
    ordered = sorted(timeline)
    for i, (_, _, n1, t1) in enumerate(ordered):
        for _, _, n2, t2 in ordered[i + 1:]:
            if n1 == n2:  # one node's lines keep their order
                assert t1 <= t2 + slack
            else:  # across nodes, within the shortest delays
                assert t1 <= t2 + max(shortest[n1], shortest[n2]) + slack
