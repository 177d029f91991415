"""`status` reads only the audit entries that can explain the transitions it shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kaconsole.commands.status import audited
from kaconsole.core.insight.anomalies import summaries
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.facts import lab_facts


def _entry(at: float, action: str) -> str:
    when = datetime.fromtimestamp(at, UTC).isoformat()
    return json.dumps({"id": action, "phase": "started", "time": when, "node": "node1",
                       "action": action, "cluster": "lab", "command": "x"}) + "\n"


def test_only_actions_near_the_shown_transitions_are_read(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = initial_state("lab", [("node1", "198.51.100.11"), ("node2", "198.51.100.12")])
    state = fold(state, lab_facts(data_dir))
    times = [s.last_transition.at for s in summaries(state) if s.last_transition]
    assert times
    assert all(t is not None for t in times)
    oldest = min(t for t in times if t is not None)
    log = tmp_path / "audit.jsonl"
    log.write_text(_entry(oldest - 3600, "long before") + _entry(oldest - 2, "just before"))
    monkeypatch.setenv("KACONSOLE_AUDIT_LOG", str(log))
    assert [a.action for a in audited(state)] == ["just before"]


def test_no_transition_reads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KACONSOLE_AUDIT_LOG", str(tmp_path / "none" / "audit.jsonl"))
    assert audited(initial_state("lab", [("node1", "198.51.100.11")])) == ()
