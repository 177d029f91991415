"""Expected effects of actions on the reference pair (priorities 120/100, weight -20)."""

from __future__ import annotations

from pathlib import Path

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.facts import (
    AddressesObserved,
    ConfigObserved,
    LogSeen,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.insight.effects import expected_effect
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold


def reference_pair(data_dir: Path) -> ClusterState:
    state = initial_state("ref", [("lvs-master", "192.0.2.11"), ("lvs-backup", "192.0.2.12")])
    facts = []
    for node, conf, word in (
        ("lvs-master", "master.conf", "MASTER"),
        ("lvs-backup", "backup.conf", "BACKUP"),
    ):
        config = parse_config((data_dir / "conf" / conf).read_text())
        facts += [
            ConfigObserved.of(node, config, 1.0),
            ServiceObserved(node, "keepalived", ServiceState.RUNNING, 1.0),
            ServiceObserved(node, "nginx", ServiceState.RUNNING, 1.0),
            LogSeen(
                node,
                LogEvent(LogKind.STATE, "", None, None, None, "VI_CLUSTER", None, {"state": word}),
            ),
        ]
    facts.append(AddressesObserved("lvs-master", frozenset({"192.0.2.11", "192.168.10.100"}), 2.0))
    return fold(state, facts)


def test_stop_keepalived_on_master_predicts_skew_takeover(data_dir: Path) -> None:
    effect = expected_effect(reference_pair(data_dir), "lvs-master", "keepalived", "stop")
    text = " ".join(effect.lines)
    assert "lvs-backup" in text
    assert "0.61 s" in text
    assert effect.no_master == ()


def test_stop_nginx_says_the_weight_ties_and_the_script_stop_moves_it(data_dir: Path) -> None:
    effect = expected_effect(reference_pair(data_dir), "lvs-master", "nginx", "stop")
    tie, stop = effect.lines
    assert "equal to lvs-backup's 100" in tie
    assert "stays on lvs-master" in tie
    assert "stops keepalived" in stop
    assert "lvs-backup" in stop


def test_start_nginx_warns_keepalived_is_stopped(data_dir: Path) -> None:
    state = fold(
        reference_pair(data_dir),
        [ServiceObserved("lvs-master", "keepalived", ServiceState.STOPPED, 5.0)],
    )
    effect = expected_effect(state, "lvs-master", "nginx", "start")
    assert any("start it too" in line for line in effect.lines)


def test_stopping_the_last_keepalived_leaves_no_master(data_dir: Path) -> None:
    state = fold(
        reference_pair(data_dir),
        [ServiceObserved("lvs-backup", "keepalived", ServiceState.STOPPED, 5.0)],
    )
    effect = expected_effect(state, "lvs-master", "keepalived", "stop")
    assert effect.no_master == ("VI_CLUSTER",)
