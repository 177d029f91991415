"""The drill start confirmation names the nodes its roles resolve to now, and a read-only console
offers only the drills that change no node."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kaconsole.drills.runbook import builtin_names, load_drill
from kaconsole.ui.present.drill import preview
from kaconsole.ui.screens.drills import offered
from tests.kits.ui import lab_facts, monitor_with


def test_the_start_confirmation_names_resolved_nodes() -> None:
    state = monitor_with(lab_facts()).state
    lines = preview(load_drill("nginx-failover"), state)
    assert lines[0] == "nginx-failover: stop nginx on node1, node2 takes over"
    assert not any("$master" in line or "$backup" in line for line in lines)


def test_a_role_not_known_yet_is_said_not_shown_raw_alone() -> None:
    head = preview(load_drill("recovery"), monitor_with(lab_facts()).state)[0]
    assert "not known yet: $failed" in head  # nothing has failed: no node to name
    assert preview(load_drill("split-brain-check"))[0].endswith("changes no node")


def test_read_only_offers_only_drills_that_change_no_node() -> None:
    ro: Any = SimpleNamespace(read_only=True)
    rw: Any = SimpleNamespace(read_only=False)
    assert [n for n, _ in offered(ro)] == ["split-brain-check"]
    assert [n for n, _ in offered(rw)] == builtin_names()


def test_saved_files_go_to_the_state_directory_unless_told(
    tmp_path: Any, monkeypatch: Any
) -> None:
    from kaconsole.sim.cluster import demo_cluster
    from kaconsole.ui.app import make_app

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    cluster, _ = demo_cluster()
    assert make_app(cluster, run_sessions=False).save_dir == tmp_path / "kaconsole"
    assert make_app(cluster, run_sessions=False, save_dir=tmp_path / "x").save_dir == tmp_path / "x"
