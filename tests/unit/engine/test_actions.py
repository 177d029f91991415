"""Actions and the audit log, with commands really run on this host (LocalRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.errors import ActionRefused
from kaconsole.transport.local import LocalRunner

CLUSTER = """
name: local
services:
  nginx: {start: "echo started; true", stop: "echo 'auth_pass hunter22' >&2; false", status: "true"}
  keepalived: {start: "sleep 5", stop: "true", status: "true"}
nodes:
  - {name: n1, host: 127.0.0.1}
  - {name: n2, host: 127.0.0.2}
"""


def make(tmp_path: Path, **kw: object) -> Actions:
    cluster = parse_cluster(CLUSTER, "local.yaml")
    runners = {"n1": LocalRunner("n1")}
    return Actions(cluster, runners.get, AuditLog(tmp_path / "audit.jsonl"), timeout=1.0, **kw)  # type: ignore[arg-type]


async def test_confirmed_action_runs_and_is_audited_before_and_after(tmp_path: Path) -> None:
    actions = make(tmp_path)
    outcome = await actions.execute(ActionRequest("n1", "nginx", "start"), confirmed=True)
    assert outcome.ok
    assert outcome.completed.stdout == "started\n"
    started, done = actions.audit.read()
    assert (started["phase"], done["phase"]) == ("started", "completed")
    assert started["id"] == done["id"]
    assert started["command"] == "echo started; true"
    assert (started["node"], started["action"], started["cluster"]) == (
        "n1",
        "start nginx",
        "local",
    )
    assert done["result"] == "ok"
    assert done["exit_status"] == 0


async def test_failure_is_audited_with_output_and_no_secret(tmp_path: Path) -> None:
    actions = make(tmp_path)
    outcome = await actions.execute(ActionRequest("n1", "nginx", "stop"), confirmed=True)
    assert not outcome.ok
    text = (tmp_path / "audit.jsonl").read_text()
    assert "hunter22" not in text
    done = actions.audit.read()[-1]
    assert (done["result"], done["exit_status"]) == ("failed", 1)


async def test_timeout_is_unknown_result(tmp_path: Path) -> None:
    actions = make(tmp_path)
    outcome = await actions.execute(ActionRequest("n1", "keepalived", "start"), confirmed=True)
    assert outcome.completed.timed_out
    assert actions.audit.read()[-1]["result"] == "unknown"


async def test_read_only_and_unconfirmed_are_refused_and_audited(tmp_path: Path) -> None:
    for actions, confirmed in ((make(tmp_path, read_only=True), True), (make(tmp_path), False)):
        with pytest.raises(ActionRefused):
            await actions.execute(ActionRequest("n1", "nginx", "start"), confirmed=confirmed)
    phases = [e["phase"] for e in AuditLog(tmp_path / "audit.jsonl").read()]
    assert phases == ["refused", "refused"]


async def test_disconnected_node_fails_without_running(tmp_path: Path) -> None:
    actions = make(tmp_path)
    outcome = await actions.execute(ActionRequest("n2", "nginx", "start"), confirmed=True)
    assert outcome.completed.exit_status is None
    assert "not connected" in (outcome.completed.error or "")


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text(json.dumps({"id": "a", "phase": "started"}) + "\n" + '{"id": "b", "ph')
    assert [e["id"] for e in AuditLog(path).read()] == ["a"]


def test_command_is_the_exact_line_with_the_privilege_prefix(tmp_path: Path) -> None:
    """The confirmation and the audit log show what runs: `sudo -n` included where configured."""
    text = CLUSTER.replace("  - {name: n2, host: 127.0.0.2}",
                           "  - {name: n2, host: 127.0.0.2, ssh: {sudo: true}}")
    cluster = parse_cluster(text, "local.yaml")
    actions = Actions(cluster, {}.get, AuditLog(tmp_path / "audit.jsonl"))
    assert actions.command(ActionRequest("n1", "nginx", "start")) == "echo started; true"
    assert actions.command(ActionRequest("n2", "nginx", "start")) == (
        "sudo -n sh -c 'echo started; true'"
    )


async def test_drain_writes_the_track_file_and_is_audited(tmp_path: Path) -> None:
    actions = make(tmp_path)
    track = tmp_path / "maintenance"
    request = ActionRequest("n1", "maintenance", "drain", str(track), 3)
    assert actions.command(request) == f"printf '%d\\n' 3 > {track}"
    outcome = await actions.execute(request, confirmed=True)
    assert outcome.ok
    assert track.read_text() == "3\n"
    started, done = actions.audit.read()
    assert started["action"] == f"drain maintenance (write 3 to {track})"
    assert done["result"] == "ok"


async def test_a_read_only_cluster_file_wins_over_the_command_line(tmp_path: Path) -> None:
    cluster = parse_cluster("read_only: true\nname: x\nnodes: [{name: a, host: h}]\n")
    actions = Actions(cluster, runners=lambda _: None, audit=AuditLog(tmp_path / "a.jsonl"),
                      read_only=False)
    assert actions.read_only
