"""`demo` wherever a cluster file is (CONTRACTS §10), bad flag values and typo'd subcommands as
argparse errors, and the console refusing to start without a terminal."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from kaconsole.cli import main


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Any name lookup fails the test: the demo never reaches the network."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the demo resolved a host name")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "fast"])
def test_a_bad_speed_is_an_argparse_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--speed", value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --speed" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["node2", "node2=", "=3", "node2=soon", "node2=nan"])
def test_a_bad_clock_skew_is_an_argparse_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--clock-skew", value])
    assert exit_.value.code == 2
    assert "expected NODE=SECONDS" in capsys.readouterr().err


def test_a_clock_skew_on_no_demo_node_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--clock-skew", "node9=3"]) == 2
    assert "--clock-skew: no node node9 in the demo cluster" in capsys.readouterr().err


def test_a_typo_d_subcommand_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["dmeo"])
    assert exit_.value.code == 2
    assert "did you mean 'demo'?" in capsys.readouterr().err


def test_a_file_named_like_a_command_is_still_a_cluster_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dmeo").write_text("name: x\nnodes: []\n")
    assert main(["dmeo"]) == 2
    err = capsys.readouterr().err
    assert "did you mean" not in err
    assert "nodes" in err


def test_the_console_refuses_to_start_without_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 2  # pytest's stdin and stdout are not terminals
    err = capsys.readouterr().err
    assert "needs a terminal" in err
    assert "kaconsole status demo --json" in err


def test_status_demo_runs_offline_on_a_settled_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "demo", "--json", "--listen", "1"]) == 0
    snap = json.loads(capsys.readouterr().out)
    assert snap["cluster"] == "demo"
    (inst,) = snap["instances"]
    assert inst["master"] == "node1"
    assert inst["vip_holders"] == ["node1"]
    assert snap["anomalies"] == []


def test_check_demo_exits_per_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "demo", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert {f["code"] for f in out["findings"]} >= {"weight_tie"}
    assert "config_unreadable" not in {f["code"] for f in out["findings"]}


def test_drill_demo_runs_on_the_simulation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    assert main(["drill", "demo", "nginx-failover", "--yes", "--report", str(report)]) == 0
    assert json.loads(report.read_text())["result"] == "passed"
    out = capsys.readouterr().out
    assert "HTTP 200 node2 in " in out  # the body as read: `node2`, not 'node2\n'
    assert "\\n'" not in out
