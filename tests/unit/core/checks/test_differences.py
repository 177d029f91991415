"""Differences between nodes: each names the setting, every value with its nodes and where each
node wrote it; identical nodes have none; a password is told apart by label, never shown."""

from __future__ import annotations

from pathlib import Path

from kaconsole.core.checks.differences import differences
from kaconsole.core.conf.model import KeepalivedConfig, Where
from kaconsole.core.conf.parse import parse_config

LAB = Path(__file__).parents[3] / "data" / "lab"
SECRET = "s3cr3tPW"


def lab(node: str, changes: dict[str, str] | None = None) -> KeepalivedConfig:
    """The lab's configuration of `node`, with its password back and `changes` made."""
    text = (LAB / f"{node}-keepalived.conf").read_text().replace("***", SECRET)
    for old, new in (changes or {}).items():
        text = text.replace(old, new)
    return parse_config(text)


def test_the_reference_pair_differs_where_it_should_and_nowhere_else() -> None:
    found = {(d.scope, d.key): d for d in differences({"node1": lab("node1"),
                                                         "node2": lab("node2")})}
    assert set(found) == {("global_defs", "router_id"), ("VI_CLUSTER", "state"),
                          ("VI_CLUSTER", "priority")}
    priority = found["VI_CLUSTER", "priority"]
    assert priority.text() == "120 on node1; 100 on node2"
    assert priority.places == {"node1": Where("keepalived.conf", 19),
                               "node2": Where("keepalived.conf", 19)}


def test_identical_nodes_have_no_difference() -> None:
    assert differences({"a": lab("node1"), "b": lab("node1")}) == []
    assert differences({"a": lab("node1")}) == []


def test_passwords_are_told_apart_without_being_shown() -> None:
    other = lab("node2", {SECRET: "0therPW1"})
    found = {(d.scope, d.key): d for d in differences({"node1": lab("node1"), "node2": other})}
    auth = found["VI_CLUSTER", "authentication"]
    assert auth.text() == "PASS, password A on node1; PASS, password B on node2"
    assert SECRET not in repr(found)
    assert "0therPW1" not in repr(found)


def test_values_read_as_keepalived_words() -> None:
    strict = lab("node2", {"vrrp_skip_check_adv_addr": "vrrp_strict",
                           "advert_int 1": "advert_int 0.5"})
    found = {(d.scope, d.key): d.text() for d in differences({"node1": lab("node1"),
                                                               "node2": strict})}
    assert found["global_defs", "vrrp_strict"] == "no on node1; yes on node2"
    assert found["VI_CLUSTER", "advert_int"] == "1 on node1; 0.5 on node2"
    assert "True" not in str(found)
    assert "False" not in str(found)


def test_an_instance_on_one_node_only() -> None:
    renamed = lab("node2", {"VI_CLUSTER": "VI_OTHER", "router_id 51": "router_id 52"})
    found = {(d.scope, d.key): d.text() for d in differences({"node1": lab("node1"),
                                                               "node2": renamed})}
    assert found["VI_CLUSTER", "vrrp_instance"] == "defined on node1; absent on node2"
    assert found["VI_OTHER", "vrrp_instance"] == "defined on node2; absent on node1"
