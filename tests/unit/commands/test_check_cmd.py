"""`kaconsole check`: the engine run against this host (LocalRunner in place of SSH), so the
configuration is really fetched with includes, scripts and interfaces really looked at and the
installed keepalived really asked (`keepalived -t`); JSON only on stdout, exit statuses, no secret.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kaconsole.cli import main
from kaconsole.commands import check as command
from kaconsole.core.checks.cluster import Finding, NodeEvidence, check_cluster
from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.conf.parse import parse_config
from kaconsole.core.inventory.model import Cluster, Node
from kaconsole.engine import configcheck as engine
from kaconsole.errors import SshError
from kaconsole.transport.local import LocalRunner
from kaconsole.transport.runner import Runner

KEEPALIVED = shutil.which("keepalived")


@contextlib.asynccontextmanager
async def local(node: Node) -> AsyncIterator[Runner]:
    if node.host == "unreachable.invalid":
        raise SshError(node.name, f"no answer from {node.host} within 5 s")
    yield LocalRunner(node.name)


@pytest.fixture(autouse=True)
def _local_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    async def check(cluster: Cluster, opener: object = None, capture: bool = True) -> list[Finding]:
        assert not capture  # the tests below pass --no-capture: this host's traffic is not theirs
        return await engine.check(cluster, opener=local, capture=capture)
    monkeypatch.setattr(command, "check", check)


def cluster_file(tmp_path: Path, nodes: dict[str, Path], extra: str = "") -> Path:
    lines = ["name: test-pair", "nodes:"]
    for name, conf in nodes.items():
        lines += [f"  - name: {name}", "    host: 127.0.0.1", f"    keepalived_conf: {conf}"]
    lines += [extra] if extra else []
    path = tmp_path / "cluster.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", "--no-capture", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def reference(tmp_path: Path, data_dir: Path) -> Path:
    nodes = {}
    for name, conf in (("lvs-master", "master"), ("lvs-backup", "backup")):
        path = tmp_path / f"{conf}.conf"
        shutil.copy(data_dir / "conf" / f"{conf}.conf", path)
        nodes[name] = path
    return cluster_file(tmp_path, nodes)


def test_reference_pair_as_json(capsys: pytest.CaptureFixture[str], reference: Path) -> None:
    status, out, err = run(capsys, str(reference), "--json")
    assert (status, err) == (1, "")
    report = json.loads(out)
    assert report["cluster"] == "test-pair"
    codes = {f["code"] for f in report["findings"]}
    # the configuration's own problems, and this host has neither ens33 nor the script
    assert {"strict_no_accept", "strict_ignores_auth", "auth_pass_truncated", "weight_tie",
            "script_security", "script_missing", "interface_missing"} <= codes
    for finding in report["findings"]:
        assert set(finding) >= {"severity", "code", "instance", "nodes", "message"}
    assert "cluster_pass" not in out
    assert "cluster_" not in out


@pytest.mark.skipif(KEEPALIVED is None, reason="keepalived is not installed")
def test_keepalived_own_test_runs_on_the_node(capsys: pytest.CaptureFixture[str],
                                              reference: Path) -> None:
    _, out, _ = run(capsys, str(reference), "--json")
    rejects = [f for f in json.loads(out)["findings"] if f["code"] == "keepalived_rejects"]
    assert [f["nodes"] for f in rejects] == [["lvs-master"], ["lvs-backup"]]
    assert "exits 5: there are configuration errors" in rejects[0]["message"]
    assert any("vrrp_garp_interval '0' is invalid" in line for line in rejects[0]["details"])
    assert any("Truncating auth_pass to 8 characters" in line for line in rejects[0]["details"])


def test_readable_report_groups_by_severity(capsys: pytest.CaptureFixture[str],
                                            reference: Path) -> None:
    status, out, _ = run(capsys, str(reference))
    assert status == 1
    assert out.startswith("cluster test-pair: 2 nodes checked, ")
    assert out.index("\nERROR\n") < out.index("\nWARNING\n")
    assert "  weight_tie: VI_CLUSTER lvs-master, lvs-backup  (" in out
    assert "cluster_" not in out


def test_a_clean_pair_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    nodes = {}
    for name in ("a", "b"):
        nodes[name] = tmp_path / f"{name}.conf"
        nodes[name].write_text(f"global_defs {{\n    router_id R_{name.upper()}\n}}\n")
    status, out, err = run(capsys, str(cluster_file(tmp_path, nodes)), "--json")
    assert (status, err) == (0, "")
    assert json.loads(out) == {"cluster": "test-pair", "findings": []}
    status, out, _ = run(capsys, str(cluster_file(tmp_path, nodes)))
    assert (status, out) == (0, "cluster test-pair: 2 nodes checked, no findings\n")


def test_includes_are_followed_on_the_node(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    for name, vrid in (("a", 51), ("b", 52)):
        (tmp_path / f"{name}.conf").write_text(f"include conf.d/{name}-*.conf\n")
        (tmp_path / "conf.d" / f"{name}-vi.conf").write_text(
            f"vrrp_instance VI_1 {{\n virtual_router_id {vrid}\n priority 1{vrid}\n}}\n")
    path = cluster_file(tmp_path, {"a": tmp_path / "a.conf", "b": tmp_path / "b.conf"})
    _, out, _ = run(capsys, str(path), "--json")
    mismatch = [f for f in json.loads(out)["findings"] if f["code"] == "vrid_mismatch"]
    assert mismatch[0]["file"] == str(tmp_path / "conf.d" / "a-vi.conf")


def test_an_unreachable_or_unreadable_node_is_a_finding(capsys: pytest.CaptureFixture[str],
                                                        reference: Path,
                                                        tmp_path: Path) -> None:
    text = reference.read_text() + (
        "  - name: gone\n    host: unreachable.invalid\n"
        f"  - name: empty\n    host: 127.0.0.1\n    keepalived_conf: {tmp_path}/none.conf\n")
    reference.write_text(text)
    status, out, _ = run(capsys, str(reference), "--json")
    assert status == 1
    unreadable = {tuple(f["nodes"]): f["message"] for f in json.loads(out)["findings"]
                  if f["code"] == "config_unreadable"}
    assert unreadable == {
        ("gone",): "cannot check gone: no answer from unreachable.invalid within 5 s; its "
                   "configuration is not compared with the other nodes",
        ("empty",): f"cannot check empty: {tmp_path}/none.conf cannot be read; its "
                    "configuration is not compared with the other nodes"}


def test_a_bad_cluster_file_is_exit_2(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nnodes: []\n")
    status, out, err = run(capsys, str(path), "--json")
    assert (status, out) == (2, "")
    assert err.startswith(f"kaconsole: error: {path}:2: nodes:")


def test_script_statuses_on_the_node(tmp_path: Path) -> None:
    runnable, plain = tmp_path / "ok.sh", tmp_path / "plain.sh"
    runnable.write_text("#!/bin/sh\n")
    runnable.chmod(0o755)
    plain.write_text("#!/bin/sh\n")
    paths = [str(runnable), str(plain), str(tmp_path / "missing"), "sh", "no-such-program-x",
             "/etc/pass wd; touch x"]
    result = asyncio.run(LocalRunner("n").run(engine.scripts_command(paths), timeout=5))
    assert result.stdout.split() == ["ok", "not_executable", "missing", "ok", "missing",
                                     "missing"]
    assert not (Path.cwd() / "x").exists()


def lab_configs(data_dir: Path) -> dict[str, KeepalivedConfig | None]:
    return {n: parse_config((data_dir / "lab" / f"{n}-keepalived.conf").read_text())
            for n in ("node1", "node2")}


def test_adverts_from_our_own_nodes_are_no_collision(data_dir: Path) -> None:
    capture = base64.b64encode((data_dir / "lab" / "adverts.pcap").read_bytes()).decode()
    adverts = engine.adverts_in(capture)
    assert {a.src for a in adverts} == {"203.0.113.11", "203.0.113.12"}
    facts = {"node1": NodeEvidence(addresses=frozenset({"203.0.113.11", "198.51.100.11"}),
                                   adverts=adverts),
             "node2": NodeEvidence(addresses=frozenset({"203.0.113.12"}), adverts=())}
    assert [f.code for f in check_cluster(lab_configs(data_dir), facts)] == ["weight_tie"]


def test_a_stranger_with_our_vrid_is_a_collision(data_dir: Path) -> None:
    capture = base64.b64encode((data_dir / "lab" / "adverts.pcap").read_bytes()).decode()
    facts = {"node1": NodeEvidence(addresses=frozenset({"203.0.113.11"}),
                                   adverts=engine.adverts_in(capture)),
             "node2": NodeEvidence(addresses=frozenset({"10.9.9.9"}), adverts=())}
    found = [f for f in check_cluster(lab_configs(data_dir), facts) if f.code == "vrid_collision"]
    assert len(found) == 1
    assert found[0].nodes == ("node1",)
    assert found[0].message.startswith(
        "another router, 203.0.113.12, advertises VRID 51 (priority 100, addresses "
        "203.0.113.100) where node1 listens: that is VI_CLUSTER's VRID;")


def test_without_every_node_s_addresses_no_collision_is_claimed(data_dir: Path) -> None:
    capture = base64.b64encode((data_dir / "lab" / "adverts.pcap").read_bytes()).decode()
    facts = {"node1": NodeEvidence(addresses=None, adverts=engine.adverts_in(capture))}
    assert "vrid_collision" not in [f.code for f in check_cluster(lab_configs(data_dir), facts)]


def test_garbage_captures_decode_to_nothing() -> None:
    assert engine.adverts_in("") == ()
    assert engine.adverts_in("not base64 at all!") == ()
    assert engine.adverts_in(base64.b64encode(b"\x00" * 100).decode()) == ()


def test_a_directory_checks_every_cluster(capsys: pytest.CaptureFixture[str],
                                          reference: Path, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    (fleet / "a.yaml").write_text(reference.read_text())
    (fleet / "b.yaml").write_text(reference.read_text().replace("test-pair", "other-pair"))
    (fleet / "c.yaml").write_text("name: c\n")
    status, out, err = run(capsys, str(fleet), "--json")
    report = json.loads(out)
    assert [c["cluster"] for c in report["clusters"]] == ["test-pair", "other-pair"]
    assert all(c["findings"] for c in report["clusters"])
    assert report["errors"][0]["file"] == str(fleet / "c.yaml")
    assert f"{fleet / 'c.yaml'}:1: nodes: required" in err
    assert status == 1
