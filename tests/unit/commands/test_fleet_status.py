"""`kaconsole status DIR|FILE... --json`: one object for the fleet, clusters looked at in
parallel on simulated nodes, a per-cluster time limit, per-file errors, exit statuses."""

from __future__ import annotations

import asyncio
import json
import time
from functools import partial
from importlib import resources
from pathlib import Path

import pytest

from kaconsole.cli import main
from kaconsole.commands import inputs
from kaconsole.commands import status as command
from kaconsole.core.inventory.model import Cluster, Node
from kaconsole.engine import status as engine
from kaconsole.engine.monitor import SessionFactory, Sink
from kaconsole.sim.cluster import DEMO_RESOURCE, demo_sessions
from kaconsole.transport.runner import Runner

DEMO = resources.files(DEMO_RESOURCE[0]) / DEMO_RESOURCE[1]


class Silent:
    """A site that never answers: its session neither connects nor fails."""

    runner: Runner | None = None

    def __init__(self, node: Node, sink: Sink) -> None:
        del node, sink

    async def run(self) -> None:
        await asyncio.Event().wait()

    def refresh(self) -> None:
        pass


def _sessions(cluster: Cluster) -> SessionFactory:
    if cluster.name.startswith("silent"):
        return Silent
    return demo_sessions(cluster, speed=20.0)


@pytest.fixture(autouse=True)
def _simulated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(command, "take_statuses", partial(engine.take_statuses, sessions=_sessions))
    monkeypatch.setenv("KACONSOLE_AUDIT_LOG", str(tmp_path / "audit.jsonl"))


def _write(directory: Path, name: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / f"{name}.yaml"
    path.write_text(DEMO.read_text("utf-8").replace("name: demo", f"name: {name}", 1))
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object], str]:
    status = main(["status", *argv, "--json", "--listen", "0.3"])
    out, err = capsys.readouterr()
    return status, json.loads(out), err


def test_a_directory_prints_every_cluster_in_one_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("eu", "us"):
        _write(tmp_path / "fleet", name)
    status, out, _ = _run(capsys, str(tmp_path / "fleet"))
    clusters = out["clusters"]
    assert isinstance(clusters, list)
    assert [c["cluster"] for c in clusters] == ["eu", "us"]
    assert all(c["instances"][0]["master"] == "node1" for c in clusters)
    assert status == 0


def test_an_unreachable_site_does_not_hold_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "eu")
    silent = _write(tmp_path, "silent-site")
    start = time.monotonic()
    status, out, _ = _run(capsys, str(tmp_path / "eu.yaml"), str(silent), "--limit", "2")
    assert time.monotonic() - start < 6
    clusters = out["clusters"]
    assert isinstance(clusters, list)
    assert clusters[0]["instances"][0]["master"] == "node1"
    assert [n["reachable"] for n in clusters[1]["nodes"]] == [False, False]
    assert status == 1  # the silent site's nodes are not known to be up


def test_a_bad_file_is_named_and_the_others_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "eu")
    (tmp_path / "broken.yaml").write_text("name: broken\nnodes: 3\n")
    status, out, err = _run(capsys, str(tmp_path))
    assert f"{tmp_path / 'broken.yaml'}:2: nodes" in err
    assert out["errors"] == [{"file": str(tmp_path / "broken.yaml"), "error": err.split(
        "error: ", 1)[1].strip()}]
    assert [c["cluster"] for c in out["clusters"]] == ["eu"]  # type: ignore[union-attr]
    assert status == 0


def test_none_readable_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text("nodes: []\n")
    (tmp_path / "b.yml").write_text(": :\n")
    status, out, err = _run(capsys, str(tmp_path))
    assert status == 2
    assert out["clusters"] == []
    assert str(tmp_path / "a.yaml") in err
    assert str(tmp_path / "b.yml") in err


def test_the_default_place_is_used_when_no_file_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(inputs.CLUSTERS_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    _write(tmp_path / "kaconsole", "x")  # not the clusters/ directory: nothing there yet
    assert main(["status", "--json"]) == 2
    assert "no cluster file given" in capsys.readouterr().err
    _write(tmp_path / "kaconsole" / "clusters", "eu")
    status, out, _ = _run(capsys)
    assert status == 0
    assert [c["cluster"] for c in out["clusters"]] == ["eu"]  # type: ignore[union-attr]
    monkeypatch.setenv(inputs.CLUSTERS_ENV, str(_write(tmp_path / "other", "us")))
    assert inputs.cluster_paths([]) == [str(tmp_path / "other" / "us.yaml")]
    assert not inputs.is_fleet([])  # one file by the environment: a single cluster's output


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(inputs.InputError, match="no cluster files"):
        inputs.cluster_paths([str(tmp_path)])
