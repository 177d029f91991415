"""The detail view's evidence on the recorded lab failover: an effect's evidence never predates
its cause's, so a stop of node1's from before the operator's action is not shown under "its
track script stopped keepalived" (a lab that ran earlier tests has many)."""

from __future__ import annotations

from datetime import datetime

from kaconsole.core.facts import LogSeen
from kaconsole.core.insight.explain import OperatorAction
from kaconsole.core.logs.parse import LogParser
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from kaconsole.ui.present.detail import transition_detail
from tests.kits.ui import lab_facts


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _takeover_text(earlier_stop: bool, acted: str = "2026-11-25T15:32:14.5") -> str:
    facts = lab_facts(until="2026-11-25T15:32:17")
    if earlier_stop:  # node1 stopped once before, 13 s before this run's keepalived started
        event = LogParser().feed("Wed Nov 25 15:31:55 2026: Stopping")
        assert event is not None
        facts.insert(0, LogSeen("node1", event))
    state = fold(initial_state("lab-sample", [("node1", "h1"), ("node2", "h2")]), facts)
    action = OperatorAction("node1", "stop nginx", _at(acted), "systemctl stop nginx")
    (takeover,) = [t for t in state.transitions
                   if t.node == "node2" and t.to_state.value == "MASTER"]
    logs = [f for f in facts if isinstance(f, LogSeen)]
    lines = transition_detail(state, takeover, (action,), logs, ())
    return "\n".join("".join(t for t, _ in line) for line in lines)


def _link(text: str) -> str:
    return text.split("2. its track script stopped keepalived\n", 1)[1].split("\n3. ", 1)[0]


def test_the_stop_after_the_action_is_the_evidence_and_an_earlier_one_is_not() -> None:
    link = _link(_takeover_text(earlier_stop=True))
    assert "15:32:15 node1    daemon: Stopping" in link
    assert "15:31:55" not in link
    assert link.count("daemon: Stopping") == 1


def test_without_an_earlier_stop_the_same_evidence_shows() -> None:
    assert _link(_takeover_text(earlier_stop=False)) == _link(_takeover_text(earlier_stop=True))


def test_a_log_stamped_in_whole_seconds_just_before_the_audited_time_still_counts() -> None:
    """keepalived stamps whole seconds and the audit the console's clock: a stop logged
    `15:32:15` after an action audited at 15:32:15.6 is that action's effect."""
    link = _link(_takeover_text(earlier_stop=True, acted="2026-11-25T15:32:15.6"))
    assert "15:32:15 node1    daemon: Stopping" in link
    assert "15:31:55" not in link
