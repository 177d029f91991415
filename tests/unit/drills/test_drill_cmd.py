"""`kaconsole drill`: errors before anything runs (exit 2, one line, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kaconsole.cli import main

ROOT = Path(__file__).resolve().parents[3]
DEMO = str(ROOT / "clusters/demo.yaml")


def test_a_bad_runbook_is_refused_with_its_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "bad.yaml"
    book.write_text("name: x\nsteps:\n  - wait: {master: $master, timeout: forever}\n")
    assert main(["drill", DEMO, str(book), "--yes"]) == 2
    err = capsys.readouterr().err
    assert err == (f"kaconsole: error: {book}:3: steps[0].wait.timeout: expected a number, "
                   "got a string\n")


def test_an_unknown_drill_and_a_bad_cluster_file(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", DEMO, "failover", "--yes"]) == 2
    assert "no such drill; built-in drills: keepalived-stop" in capsys.readouterr().err
    bad = tmp_path / "c.yaml"
    bad.write_text("name: c\n")
    assert main(["drill", str(bad), "nginx-failover", "--yes"]) == 2
    assert "nodes: required" in capsys.readouterr().err


def test_without_a_terminal_it_needs_yes() -> None:
    done = subprocess.run([sys.executable, "-m", "kaconsole", "drill", DEMO, "recovery"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
                          timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("kaconsole: error: --yes: no terminal to confirm steps on")
    assert done.stdout == ""


def test_a_cluster_that_runs_no_vrrp_is_refused_with_a_report(tmp_path: Path) -> None:
    cluster = tmp_path / "c.yaml"
    # loopback port 1: refused at once, nothing leaves this host
    cluster.write_text("name: c\nssh: {port: 1, connect_timeout: 1}\n"
                       "nodes: [{name: a, host: 127.0.0.1}]\n")
    report = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-m", "kaconsole", "drill", str(cluster), "split-brain-check", "--yes",
         "--report", str(report)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "no VRRP instance runs" in done.stderr
    data = json.loads(report.read_text())
    assert data["result"] == "failed"
    assert data["notes"][0].startswith("refused before any action")
    assert [s["status"] for s in data["steps"]] == ["skipped", "skipped"]
    assert report.with_suffix(".md").exists()


async def test_a_prompt_can_be_abandoned_and_the_next_one_gets_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import os

    from kaconsole.commands.drill import _read_line

    r, w = os.pipe()
    with os.fdopen(r) as reader, os.fdopen(w, "w") as writer:
        monkeypatch.setattr(sys, "stdin", reader)
        first = asyncio.create_task(_read_line())
        await asyncio.sleep(0.05)
        first.cancel()  # an abort while a confirmation waits
        with pytest.raises(asyncio.CancelledError):
            await first
        writer.write("y\n")
        writer.flush()
        assert await asyncio.wait_for(_read_line(), 5) == "y\n"


def test_a_read_only_cluster_refuses_the_drill_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = tmp_path / "audit.jsonl"
    monkeypatch.setenv("KACONSOLE_AUDIT_LOG", str(audit))
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    text = Path(DEMO).read_text()
    (fleet / "a.yaml").write_text(text.replace("name: demo", "name: a", 1))
    (fleet / "b.yaml").write_text("read_only: true\n" + text.replace("name: demo", "name: b", 1))
    for argv in ([str(fleet / "b.yaml")], [str(fleet)]):
        assert main(["drill", *argv, "nginx-failover", "--yes"]) == 2
        err = capsys.readouterr().err
        assert err == (f"kaconsole: error: {fleet / 'b.yaml'}: cluster b is read-only "
                       "(read_only: true in its file): no drill runs there; nothing was "
                       "touched\n")
    assert not audit.exists()
