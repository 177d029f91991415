from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaconsole.cli import main


def test_timeline_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lab = data_dir / "lab"
    code = main(
        [
            "timeline",
            f"node1={lab / 'node1-keepalived.log'}",
            f"node2={lab / 'node2-keepalived.log'}",
            str(lab / "adverts.pcap"),
            "--json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"entries", "failovers"}
    assert {e["node"] for e in doc["entries"]} == {"node1", "node2", "adverts"}
    assert doc["failovers"][0]["from"] == "203.0.113.11"


def test_timeline_text_collapses_repeats(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["timeline", str(data_dir / "lab" / "node1-keepalived.log")]) == 0
    out = capsys.readouterr().out
    assert "(x5)" in out
    assert "no failover seen on the wire" in out


def test_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", str(tmp_path / "nope.log")]) == 2
    err = capsys.readouterr().err
    assert "nope.log" in err
    assert "Traceback" not in err


HOSTILE_LOG = (
    "Mon Jan  1 00:00:01 0001: (VI_1) Entering MASTER STATE\n"
    "Fri Dec 31 23:59:59 9999: (VI_1) Entering BACKUP STATE\n"
    "Tue Nov 24 16:13:10 2026: (VI_1) Entering FAULT STATE \x1b]0;owned\x07\x1b[2J\x9b1m\n"
)


def test_year_0001_and_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "n1.log"
    log.write_text(HOSTILE_LOG)
    assert main(["timeline", str(log)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x9b" not in out
    assert out.count("Entering") == 3
    assert main(["timeline", str(log), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["entries"]) == 3
