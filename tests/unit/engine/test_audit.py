"""The audit log under I/O failure, its rotation, and reading only its recent end."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kaconsole.cli import main
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.engine import audit as audit_mod
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditError, AuditLog
from kaconsole.errors import ActionRefused
from kaconsole.transport.runner import Completed

CLUSTER = """
name: local
services:
  nginx: {start: "true", stop: "true", status: "true"}
nodes:
  - {name: n1, host: 127.0.0.1}
"""


class Recorder:
    """A runner that only remembers what it was asked to run."""

    node = "n1"

    def __init__(self) -> None:
        self.ran: list[str] = []

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        self.ran.append(command)
        return Completed(command, 0, "", "", 0.01)


def actions_on(audit: AuditLog) -> tuple[Actions, Recorder]:
    runner = Recorder()
    return Actions(parse_cluster(CLUSTER, "local.yaml"), lambda _: runner, audit), runner


def enospc_after(monkeypatch: pytest.MonkeyPatch, good_writes: int) -> None:
    """os.write in the audit module fails with ENOSPC after `good_writes` entries."""
    real, left = os.write, [good_writes]

    def write(fd: int, data: bytes) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        left[0] -= 1
        return real(fd, data)

    monkeypatch.setattr(audit_mod.os, "write", write)


async def test_an_unwritable_log_refuses_the_action_before_it_runs(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")  # a file where the log's directory should be (unwritable, even as root)
    audit = AuditLog(blocker / "audit.jsonl")
    actions, runner = actions_on(audit)
    with pytest.raises(ActionRefused, match=r"not run: the audit log .* cannot be written"):
        await actions.execute(ActionRequest("n1", "nginx", "stop"), confirmed=True)
    assert runner.ran == []
    assert [e["phase"] for e in audit.since(0)] == ["started"]
    assert "cannot be written" in audit.since(0)[0]["audit_error"]


async def test_a_full_disk_after_the_action_ran_is_in_its_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    actions, runner = actions_on(audit)
    enospc_after(monkeypatch, good_writes=1)
    outcome = await actions.execute(ActionRequest("n1", "nginx", "stop"), confirmed=True)
    assert runner.ran == ["true"]
    assert outcome.ok
    assert "No space left on device" in (outcome.audit_error or "")
    assert "NOT AUDITED" in outcome.summary()
    assert [e["phase"] for e in audit.read()] == ["started"]
    assert [e["phase"] for e in audit.since(0)] == ["started", "completed"]


async def test_a_refusal_that_cannot_be_audited_is_still_a_refusal(tmp_path: Path) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("")
    actions, runner = actions_on(AuditLog(blocker / "audit.jsonl"))
    with pytest.raises(ActionRefused, match=r"not confirmed .*cannot be written"):
        await actions.execute(ActionRequest("n1", "nginx", "stop"), confirmed=False)
    assert runner.ran == []


def test_the_log_rotates_past_its_size_and_keeps_n_old_files(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, max_bytes=1000, keep=2)
    for n in range(40):
        audit.refused(cluster="c", node="n1", action="stop nginx", command=f"cmd {n}", why="x")
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    assert all(p.stat().st_size <= 1000 for p in tmp_path.iterdir())
    newest = [e["command"] for e in audit.since(0)]
    assert newest[-1] == "cmd 39"
    assert newest == [f"cmd {n}" for n in range(40 - len(newest), 40)]  # in order, none lost
    assert len(newest) > len(audit.read())  # the rotated files are read too


def _entry(at: str, n: int) -> str:
    return json.dumps({"id": str(n), "phase": "started", "time": at, "node": "n1"}) + "\n"


def test_since_reads_only_the_end_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.jsonl"
    old = "".join(_entry("2020-01-01T00:00:00+00:00", n) for n in range(20_000))
    new = "".join(_entry("2026-01-01T00:00:00+00:00", n) for n in range(3))
    path.write_text(old + new + '{"torn')
    parsed: list[bytes] = []
    real = audit_mod._parse

    def counting(line: bytes) -> dict[str, Any] | None:
        parsed.append(line)
        return real(line)

    monkeypatch.setattr(audit_mod, "_parse", counting)
    since = AuditLog(path).since(1_700_000_000.0)
    assert [e["id"] for e in since] == ["0", "1", "2"]
    assert len(parsed) == 5  # the torn line, the three new entries, the first old one: no more


def test_an_io_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(_: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/var/lib/report.json")

    monkeypatch.setattr("kaconsole.commands.drill.run", full)
    assert main(["drill", "clusters/demo.yaml", "nginx-failover", "--yes"]) == 2
    err = capsys.readouterr().err
    assert err == "kaconsole: error: /var/lib/report.json: No space left on device\n"


def test_audit_error_is_a_one_line_error(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(_: object) -> int:
        raise AuditError("the audit log /x cannot be written: Read-only file system")

    monkeypatch.setattr("kaconsole.commands.drill.run", fail)
    assert main(["drill", "clusters/demo.yaml", "nginx-failover", "--yes"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
