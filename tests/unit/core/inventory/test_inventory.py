"""The cluster inventory: CONTRACTS.md section 1, and errors that name file, line and key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kaconsole.core.inventory.load import load_cluster, parse_cluster
from kaconsole.core.inventory.model import DEFAULT_KEEPALIVED_CONF, MAX_FILE_BYTES, Cluster
from kaconsole.errors import InventoryError

ROOT = Path(__file__).resolve().parents[4]
DATA = ROOT / "tests" / "data" / "inventory"
BAD = sorted((DATA / "bad").glob("*.yaml"))
HOME = os.path.expanduser("~")


def test_contract_example_loads_with_every_field() -> None:
    cluster = load_cluster(DATA / "good" / "contract-example.yaml")
    assert cluster.name == "seed-cluster"
    assert cluster.description == "two-node nginx + keepalived pair"
    assert [n.name for n in cluster.nodes] == ["lvs-master", "lvs-backup"]
    master, backup = cluster.nodes
    assert master.host == "192.0.2.11"
    assert master.ssh.user == "root"
    assert master.ssh.port == 22
    assert master.ssh.identity_file == f"{HOME}/.ssh/id_ed25519"
    assert master.ssh.known_hosts == f"{HOME}/.ssh/known_hosts"
    assert master.ssh.jump == "bastion.example.com"
    assert master.ssh.connect_timeout == 5.0
    assert isinstance(master.ssh.connect_timeout, float)
    assert backup.ssh.port == 2222
    assert backup.ssh.user == "root"  # the override changes one key, the rest is inherited
    assert cluster.ssh.port == 22
    assert master.capture.interface == "eth1"
    assert master.keepalived_conf == DEFAULT_KEEPALIVED_CONF
    assert cluster.vip_probe is not None
    assert cluster.vip_probe.url == "http://192.0.2.100/"
    keepalived = master.services["keepalived"]
    assert keepalived.unit is None
    assert keepalived.command("status") == "pgrep -x keepalived"
    assert keepalived.command("restart") == "kill $(cat /run/keepalived.pid); keepalived"
    assert master.services["nginx"].command("stop") == "systemctl stop nginx"
    assert master.services["nginx"].command("status") == "systemctl is-active nginx"
    # keepalived has no unit here, so the journal is read for the unit named keepalived
    assert master.logs.source == "journal"
    assert master.logs.unit == "keepalived"


def test_defaults_when_only_name_and_nodes_are_given() -> None:
    cluster = load_cluster(DATA / "good" / "minimal.yaml")
    node = cluster.node("only")
    assert node.ssh.port == 22
    assert node.ssh.user is None
    assert node.ssh.identity_file is None
    assert node.ssh.host_key_policy == "strict"
    assert node.ssh.sudo is False
    assert node.ssh.connect_timeout == 5.0
    assert {name: spec.unit for name, spec in node.services.items()} == {
        "nginx": "nginx", "keepalived": "keepalived"}
    assert node.logs.source == "journal"
    assert node.logs.unit == "keepalived"
    assert node.keepalived_conf == "/etc/keepalived/keepalived.conf"
    assert node.capture.interface == "any"
    assert cluster.vip_probe is None
    assert cluster.path.endswith("minimal.yaml")


def test_node_overrides_merge_over_the_cluster_defaults() -> None:
    path = DATA / "good" / "overrides.yaml"
    cluster = load_cluster(path)
    edge1, edge2 = cluster.nodes
    assert edge1.host == "::1"
    assert (edge1.ssh.user, edge1.ssh.port, edge1.ssh.sudo) == ("ops", 2201, True)
    assert edge1.ssh.connect_timeout == 2.5
    assert edge1.ssh.host_key_policy == "accept-new"
    assert edge1.ssh.identity_file == str(path.parent / "keys" / "lab_ed25519")
    assert (edge2.ssh.user, edge2.ssh.port, edge2.ssh.sudo) == ("admin", 22, False)
    assert edge1.services["nginx"].command("restart") == "systemctl restart nginx-custom"
    assert edge1.services["keepalived"].command("start") == "keepalived -D"
    assert edge1.logs.source == "file"
    assert edge1.logs.path == "/var/log/keepalived.log"
    # edge_2 switches to the journal; its unit follows its own keepalived unit
    assert edge2.logs.source == "journal"
    assert edge2.logs.unit == "keepalived@edge"
    assert edge2.services["keepalived"].command("status") == "systemctl is-active keepalived@edge"
    assert edge2.services["nginx"].unit == "nginx-custom"
    assert edge2.capture.interface == "veth-ka2"
    assert edge2.keepalived_conf == "/srv/edge2/keepalived.conf"
    assert edge1.keepalived_conf == DEFAULT_KEEPALIVED_CONF


def test_systemd_unit_names_are_quoted_in_commands() -> None:
    text = "name: x\nservices: {nginx: 'nginx@a\\x2db'}\nnodes: [{name: a, host: h}]\n"
    spec = parse_cluster(text).services["nginx"]
    assert spec.command("start") == "systemctl start 'nginx@a\\x2db'"


def test_explicit_restart_is_used_when_given() -> None:
    text = """name: x
services:
  nginx: {start: a, stop: b, status: c, restart: d}
nodes: [{name: n, host: h}]
"""
    assert parse_cluster(text).services["nginx"].command("restart") == "d"


def test_node_lookup_names_a_missing_node() -> None:
    cluster = load_cluster(DATA / "good" / "minimal.yaml")
    with pytest.raises(KeyError):
        cluster.node("nope")


@pytest.mark.parametrize("path", sorted((ROOT / "clusters").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_cluster_file_loads(path: Path) -> None:
    cluster = load_cluster(path)
    assert cluster.nodes
    assert len({n.name for n in cluster.nodes}) == len(cluster.nodes)


def test_shipped_demo_and_reference_pair_mirror_the_reference() -> None:
    demo = load_cluster(ROOT / "clusters" / "demo.yaml")
    assert demo.name == "demo"
    assert [(n.name, n.host) for n in demo.nodes] == [("node1", "node1.demo"),
                                                       ("node2", "node2.demo")]
    pair = load_cluster(ROOT / "clusters" / "reference-pair.yaml")
    assert pair.capture.interface == "ens33"
    assert pair.vip_probe is not None
    assert pair.vip_probe.url == "http://192.168.10.100/"


def _expected(path: Path) -> tuple[str, str]:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} lacks its '# expect:' line"
    line, message = first.removeprefix("# expect: ").split(": ", 1)
    return line, message


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_is_refused_naming_file_line_and_key(path: Path) -> None:
    line, message = _expected(path)
    with pytest.raises(InventoryError) as caught:
        load_cluster(path)
    where = str(path) if line == "-" else f"{path}:{line}"
    assert str(caught.value).startswith(f"{where}: {message}"), str(caught.value)
    assert caught.value.line == (None if line == "-" else int(line))


def test_missing_file_is_an_inventory_error(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="cannot read: No such file"):
        load_cluster(tmp_path / "absent.yaml")


def test_directory_is_an_inventory_error(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="cannot read"):
        load_cluster(tmp_path)


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: x\ndescription: caf\xe9\nnodes: []\n")
    with pytest.raises(InventoryError) as caught:
        load_cluster(path)
    assert str(caught.value) == f"{path}:2: not UTF-8 text"


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(InventoryError, match="larger than"):
        load_cluster(path)


def test_control_character_error_names_its_line() -> None:
    with pytest.raises(InventoryError) as caught:
        parse_cluster("name: x\nnodes:\n  - {name: a, host: \x07}\n", "c.yaml")
    assert caught.value.line == 3


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(InventoryError, match="nested too deeply"):
        parse_cluster("[" * 20000)


def test_yaml_that_is_not_constructible_names_its_key() -> None:
    text = "name: x\nnodes:\n  - {name: a, host: h, ssh: {port: 2001-13-45}}\n"
    with pytest.raises(InventoryError) as caught:
        parse_cluster(text, "c.yaml")
    assert str(caught.value).startswith("c.yaml:3: nodes[0].ssh.port: invalid value")


@pytest.mark.parametrize(("value", "message"), [
    ("!!python/name:os.system", "name: invalid value"),
    ("!!python/object/apply:os.system ['true']", "name: expected a single value"),
])
def test_unsafe_tags_are_refused_not_executed(value: str, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        parse_cluster(f"name: {value}\nnodes: [{{name: a, host: h}}]\n")


@pytest.mark.parametrize("value", [
    "!!timestamp yesterday",  # PyYAML: AttributeError
    "!!timestamp 2026-13-45",  # ValueError
    "!!bool maybe",  # KeyError
    "!!int 0xZZ",
    "!!float lots",
    "!!binary '@@'",
])
def test_a_bad_tagged_value_names_its_line_and_key(value: str) -> None:
    text = f"name: x\nnodes:\n  - name: a\n    host: {value}\n"
    with pytest.raises(InventoryError) as caught:
        parse_cluster(text, "c.yaml")
    assert str(caught.value).startswith("c.yaml:4: nodes[0].host: "), str(caught.value)


def _outcome(text: str) -> Cluster | InventoryError:
    try:
        return parse_cluster(text, "fuzz.yaml")
    except InventoryError as exc:
        return exc


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_gives_a_cluster_or_an_inventory_error(text: str) -> None:
    result = _outcome(text)
    if isinstance(result, InventoryError):
        assert result.path == "fuzz.yaml"
        assert result.line is None or 1 <= result.line <= text.count("\n") + 2


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
_keys = st.sampled_from(["name", "host", "nodes", "ssh", "port", "user", "services", "unit",
                         "start", "stop", "status", "logs", "source", "path", "capture",
                         "interface", "vip_probe", "url", "sudo", "keepalived", "nginx", "x"])
_trees = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(_trees)
def test_arbitrary_yaml_structures_give_a_cluster_or_an_inventory_error(tree: object) -> None:
    _outcome(yaml.safe_dump(tree))


_CONTRACT_LINES = (DATA / "good" / "contract-example.yaml").read_text().splitlines()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(_CONTRACT_LINES) - 1), st.sampled_from(["", "  ", "x: [", "- 1", "ssh:"]))
def test_damaged_contract_example_errors_point_into_the_file(index: int, junk: str) -> None:
    lines = list(_CONTRACT_LINES)
    lines[index] = junk
    result = _outcome("\n".join(lines) + "\n")
    if isinstance(result, InventoryError):
        assert result.line is None or 1 <= result.line <= len(lines) + 1


def test_lab_marker_names_the_lab_directory() -> None:
    base = "name: x\nnodes: [{name: a, host: h}]\n"
    assert parse_cluster(base, "/c/x.yaml").lab_dir is None
    assert parse_cluster(base + "lab: {dir: lab}\n", "/c/x.yaml").lab_dir == "/c/lab"
    for bad, message in (("lab: {}\n", "lab.dir: required"),
                         ("lab: {dir: x, up: true}\n", "lab.up: unknown key"),
                         ("lab: /var/lib/kaconsole/lab\n", "lab: expected a mapping")):
        with pytest.raises(InventoryError, match=message):
            parse_cluster(base + bad, "/c/x.yaml")


def test_read_only_is_off_unless_the_file_says_so() -> None:
    text = "name: x\nnodes: [{name: a, host: h}]\n"
    assert not parse_cluster(text).read_only
    assert parse_cluster("read_only: true\n" + text).read_only
    assert not parse_cluster("read_only: false\n" + text).read_only
