"""Maintenance mode: the number to write in the track file, the predicted MASTER, the lines a
config without a track file needs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.facts import ConfigObserved
from kaconsole.core.insight.maintenance import Drain, Unsupported, plan_drain
from kaconsole.core.state.model import ClusterState
from kaconsole.core.state.reduce import fold
from kaconsole.engine.maintenance import maintenance_request
from kaconsole.errors import ActionRefused
from kaconsole.lab.configs import LabSpec, keepalived_conf
from tests.kits.facts import started_pair


def _with_lab_configs(nopreempt: bool = False) -> ClusterState:
    spec = LabSpec()
    facts = []
    for node in spec.node_specs():
        text = keepalived_conf(spec, node).replace("VI_CLUSTER", "VI_1")
        if nopreempt:
            text = text.replace("    advert_int 1\n", "    advert_int 1\n    nopreempt\n")
        facts.append(ConfigObserved.of(node.name, parse_config(text), 6.5))
    return fold(started_pair(), facts)


def test_drain_writes_just_enough_to_drop_below_the_backup() -> None:
    plan = plan_drain(_with_lab_configs(), "node1", "VI_1")
    assert isinstance(plan, Drain)
    # 120 - 10 x 3 = 90 < 100 (2 would give exactly 100: a tie keeps the VIP)
    assert (plan.file, plan.weight, plan.value) == ("/etc/keepalived/maintenance", -10, 3)
    assert plan.prediction.master == "node2"
    assert "lowers 120 by 30 to 90" in plan.prediction.reason


def test_drain_and_undrain_requests_and_their_command() -> None:
    state = _with_lab_configs()
    request, lines = maintenance_request(state, "node1", "VI_1", "drain")
    wanted = ("drain", "/etc/keepalived/maintenance", 3)
    assert (request.verb, request.file, request.value) == wanted
    assert lines[0].startswith("write 3 to /etc/keepalived/maintenance on node1")
    undo, _ = maintenance_request(state, "node1", "VI_1", "undrain")
    assert undo.value == 0


def test_a_config_without_track_file_gets_the_lines_to_add() -> None:
    plan = plan_drain(started_pair(), "node1", "VI_1")
    assert isinstance(plan, Unsupported)
    assert "    track_file {" in plan.config_lines
    assert 'file "/etc/keepalived/maintenance"' in "\n".join(plan.config_lines)
    with pytest.raises(ActionRefused, match="vrrp_track_file maintenance"):
        maintenance_request(started_pair(), "node1", "VI_1", "drain")


def test_an_unsafe_path_is_never_used() -> None:
    state = _with_lab_configs()
    node = state.node("node1")
    assert node is not None
    assert node.config is not None
    bad = replace(node.config, track_files=tuple(
        replace(t, file="/tmp/x; rm -rf /") for t in node.config.track_files
    ))
    state = replace(state, nodes=tuple(
        replace(n, config=bad) if n.name == "node1" else n for n in state.nodes
    ))
    assert isinstance(plan_drain(state, "node1", "VI_1"), Unsupported)
