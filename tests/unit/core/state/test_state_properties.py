"""Properties of the reducer over arbitrary fact sequences: total, and deterministic."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings

from kaconsole.core.facts import (
    Fact,
)
from kaconsole.core.insight.anomalies import find_anomalies, summaries
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.strategies import (
    fact_sequences,
)

T0 = datetime(2026, 1, 1)






@settings(max_examples=300, deadline=None)
@given(fact_sequences)
def test_any_facts_fold_to_a_state_and_a_snapshot(sequence: list[Fact]) -> None:
    start = initial_state("c", [("n1", "h1"), ("n2", "h2"), ("n3", "h3")])
    state = fold(start, sequence)
    assert state == fold(start, sequence)
    assert [n.name for n in state.nodes] == ["n1", "n2", "n3"]
    summaries(state)
    find_anomalies(state)
    snapshot_json(state, T0)
