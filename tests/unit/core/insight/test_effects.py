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


def test_stop_nginx_with_a_script_file_says_which_branch_is_unknown(data_dir: Path) -> None:
    effect = expected_effect(reference_pair(data_dir), "lvs-master", "nginx", "stop")
    (line,) = effect.lines
    assert "whose text the console cannot read, so which applies is unknown" in line
    assert "equal to lvs-backup's 100" in line
    assert "if it stops keepalived" in line


def _with_script(data_dir: Path, command: str) -> ClusterState:
    conf = (data_dir / "conf" / "master.conf").read_text()
    conf = conf.replace('"/healthcheck/check_nginx.sh"', f'"{command}"')
    assert command in conf
    return fold(reference_pair(data_dir),
                [ConfigObserved.of("lvs-master", parse_config(conf), 3.0)])


def test_a_script_that_stops_keepalived_moves_the_vip_via_priority_0(data_dir: Path) -> None:
    state = _with_script(data_dir, "/usr/bin/killall -0 nginx || systemctl stop keepalived")
    (line,) = expected_effect(state, "lvs-master", "nginx", "stop").lines
    assert "which stops keepalived: the VIP moves via priority 0" in line
    assert "lvs-backup" in line
    assert "weight" not in line


def test_a_script_that_only_fails_says_what_the_weight_does(data_dir: Path) -> None:
    state = _with_script(data_dir, "/usr/bin/killall -0 nginx")
    (line,) = expected_effect(state, "lvs-master", "nginx", "stop").lines
    assert "which only fails (weight -20)" in line
    assert "stays on lvs-master" in line
    assert "priority 0" not in line


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
