"""Fault definitions, preflight messages and CLI errors that need no root and no lab."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kaconsole.cli import main
from kaconsole.errors import LabError
from kaconsole.lab import control, faults
from kaconsole.lab.names import LabNames
from kaconsole.lab.registry import LabState, save


def test_every_fault_has_a_heal_and_a_description() -> None:
    assert set(faults.FAULTS) == {
        "vrrp-block", "vrrp-deaf", "mgmt-down", "kill-keepalived", "stop-sshd", "log-flood",
        "garp-drop",
    }  # fmt: skip
    for fault in faults.FAULTS.values():
        assert fault.apply
        assert fault.heal
        assert fault.description


def test_vrrp_faults_drop_protocol_112_in_their_own_tables() -> None:
    block, deaf = faults.FAULTS["vrrp-block"], faults.FAULTS["vrrp-deaf"]
    assert "hook input" in block.apply
    assert "hook output" in block.apply
    assert "hook output" not in deaf.apply
    assert block.apply.count("ip protocol 112 drop") == 2
    assert block.heal == "nft delete table inet kclab_block"
    assert deaf.heal == "nft delete table inet kclab_deaf"


def test_flood_writer_is_valid_shell_and_bounded() -> None:
    subprocess.run(["sh", "-n", "-c", faults.FLOOD_WRITER], check=True)
    assert "-lt 1500" in faults.FLOOD_WRITER


def test_fault_without_a_lab_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="no lab is up"):
        faults.apply(tmp_path, "node1", "vrrp-block")
    with pytest.raises(LabError, match="unknown fault"):
        faults.apply(tmp_path, "node1", "unplug")


def test_preflight_names_what_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "darwin")
    with pytest.raises(LabError, match="needs Linux"):
        control.preflight()
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(LabError, match="needs root"):
        control.preflight()
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.setattr("shutil.which", lambda tool, path=None: None if tool == "nft" else tool)
    with pytest.raises(LabError, match=r"apt-get install nftables$"):
        control.preflight()


@pytest.fixture
def no_preflight(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI checks for Linux, root and tools first; these tests are about what comes after."""
    monkeypatch.setattr(control, "preflight", lambda: None)


def test_cli_says_what_is_needed_before_acting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["lab", "down"]) == 2
    assert capsys.readouterr().err.startswith("kaconsole: error: the lab needs root")


@pytest.mark.usefixtures("no_preflight")
def test_cli_fault_without_lab_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lab", "fault", "node1", "vrrp-block", "--dir", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "no lab is up" in err


def test_cli_rejects_an_unknown_fault_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["lab", "fault", "node1", "unplug"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.usefixtures("no_preflight")
def test_cli_status_without_a_lab(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "_leftovers", lambda names: [])
    assert main(["lab", "status", "--dir", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report == {"dir": str(tmp_path), "name": None, "up": False, "nodes": [],
                      "leftovers": []}


@pytest.mark.usefixtures("no_preflight")
def test_cli_a_named_lab_lives_beside_the_default_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KACONSOLE_LAB_DIR", str(tmp_path / "lab"))
    seen: list[LabNames] = []
    monkeypatch.setattr(control, "_leftovers", lambda names: seen.append(names) or [])
    assert main(["lab", "status", "--name", "B", "--json"]) == 1  # names are lowercased
    report = json.loads(capsys.readouterr().out)
    assert (report["dir"], report["name"]) == (str(tmp_path / "lab-b"), "b")
    assert seen == [LabNames("b")]
    assert main(["lab", "status"]) == 1
    assert capsys.readouterr().out == f"no lab in {tmp_path / 'lab'}\n"
    assert main(["lab", "up", "--name", "b", "--mgmt-net", "198.18.3.0/24"]) == 2
    assert "both --mgmt-net and --svc-net, or neither" in capsys.readouterr().err


def test_cli_refuses_a_bad_lab_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["lab", "down", "--name", "toolong7"])
    assert exit_info.value.code == 2
    assert "1-6 lowercase letters and digits" in capsys.readouterr().err


@pytest.mark.usefixtures("no_preflight")
def test_a_lab_directory_is_only_taken_down_as_its_own_lab(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dir` alone acts on the lab whose state is there; `--name` of another lab is refused,
    or that lab would keep running with no state to take it down by."""
    save(LabState(dir=str(tmp_path), nodes=2, instances=1, vrrp_version=2, unicast=False,
                  vips=[], cluster_file="", created_at="now", name="b"))
    assert main(["lab", "down", "--dir", str(tmp_path), "--name", "c"]) == 2
    assert f"{tmp_path} holds lab b: give its --name" in capsys.readouterr().err
    assert (tmp_path / "state.json").exists()
    assert main(["lab", "status", "--dir", str(tmp_path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["name"] == "b"
