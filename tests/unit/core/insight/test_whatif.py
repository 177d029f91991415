"""Priority what-if on the lab's configuration (reference weight -20: a tie) and variants."""

from __future__ import annotations

from pathlib import Path

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.facts import ConfigObserved
from kaconsole.core.insight.whatif import whatif, whatif_lines
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold
from tests.kits.facts import folded


def _lab(data_dir: Path, weight: int = -20) -> ClusterState:
    state = initial_state("lab", [("node1", "203.0.113.11"), ("node2", "203.0.113.12")])
    facts = []
    for node in ("node1", "node2"):
        text = (data_dir / "lab" / f"{node}-keepalived.conf").read_text()
        text = text.replace("weight -20", f"weight {weight}")
        facts.append(ConfigObserved.of(node, parse_config(text), 0.0))
    return fold(state, facts)


def test_reference_weight_leaves_the_vip_on_the_broken_node(data_dir: Path) -> None:
    w = whatif(_lab(data_dir), "VI_CLUSTER")
    assert w is not None
    assert w.master == "node1"
    node1, node2 = w.nodes
    assert (node1.base_priority, node1.effective_priority) == (120, 120)
    (t,) = node1.trackers
    assert (t.script, t.weight, t.master_after, t.stays_on_broken) == (
        "monitor_nginx", -20, "node1", True)
    assert "equal to node2's 100: a BACKUP does not take over on equal priority" in t.reason
    assert node1.stop is not None
    assert "node2 (100) takes over after its skew time, 0.61 s" in node1.stop
    (t2,) = node2.trackers
    assert (t2.master_after, t2.stays_on_broken) == ("node1", False)
    lines = whatif_lines(w)
    assert any(line.strip().startswith("! the VIP stays on node1") for line in lines)


def test_a_weight_below_the_tie_moves_the_vip(data_dir: Path) -> None:
    w = whatif(_lab(data_dir, -30), "VI_CLUSTER")
    assert w is not None
    (t,) = w.nodes[0].trackers
    assert (t.master_after, t.stays_on_broken) == ("node2", False)
    assert "below node2's 100" in t.reason


def test_after_the_lab_run_the_master_is_taken_from_the_state(data_dir: Path) -> None:
    state, _ = folded(data_dir)
    w = whatif(state, "VI_CLUSTER")
    assert w is not None
    assert w.master == "node1"


def test_no_priorities_no_prediction() -> None:
    assert whatif(initial_state("x", [("a", "192.0.2.1")]), "VI_1") is None
