"""A lab's cluster file is refused at once, with nothing sent, while its lab is down (§10)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kaconsole.cli import main
from kaconsole.lab import configs
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.gate import down_reason
from kaconsole.lab.registry import LabState, NodeState, save


def _state(lab_dir: Path) -> LabState:
    return LabState(
        dir=str(lab_dir), nodes=2, instances=1, vrrp_version=2, unicast=False,
        vips=["198.18.2.100"], cluster_file=str(lab_dir / "cluster.yaml"), created_at="now",
        node_states=[NodeState("node1", "kclab-node1", "198.18.1.11", "198.18.2.11", 11, 10),
                     NodeState("node2", "kclab-node2", "198.18.1.12", "198.18.2.12", 21, 20)],
    )  # fmt: skip


def test_down_reason(tmp_path: Path) -> None:
    state = _state(tmp_path)
    assert down_reason(None, lambda pid: True) == "is down"
    assert down_reason(state, lambda pid: True) is None
    assert down_reason(state, lambda pid: pid != 21) == "is down (node2 not running)"


def _lab_file(tmp_path: Path) -> Path:
    path = tmp_path / "cluster.yaml"
    path.write_text(configs.cluster_yaml(LabSpec(), tmp_path))
    return path


@pytest.mark.parametrize("command", [["status", "--json"], ["check", "--json"],
                                     ["drill", "nginx-failover", "--yes"], ["console"]])
def test_every_connecting_command_refuses_a_lab_that_is_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr("asyncssh.connect", no_network)
    monkeypatch.setattr("socket.create_connection", no_network)
    path = _lab_file(tmp_path)
    save(_state(tmp_path))  # a state file whose pids are no lab node's init: the lab is down
    started = time.monotonic()
    status = main([command[0], str(path), *command[1:]])
    assert status == 2
    assert time.monotonic() - started < 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert f"{path}: the lab in {tmp_path} is down (node1, node2 not running)" in err
    assert "nothing was sent" in err
    (tmp_path / "state.json").unlink()
    assert main([command[0], str(path), *command[1:]]) == 2
    assert f"the lab in {tmp_path} is down;" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_lab_state_is_refused_too(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _lab_file(tmp_path)
    save(_state(tmp_path))
    (tmp_path / "state.json").chmod(0)
    assert main(["status", str(path)]) == 2
    assert "cannot be checked" in capsys.readouterr().err


def test_a_named_labs_file_says_how_to_bring_that_lab_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(configs.cluster_yaml(LabSpec(name="b"), tmp_path))
    assert main(["status", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert f"the lab in {tmp_path} is down; nothing was sent" in err
    assert "(`kaconsole lab up --name b` brings it back)" in err
