"""The configuration pane's content, pure: each node's keepalived.conf as read (includes in
place, a marker per file, the secret masked), the differences first, findings beside their line."""

from __future__ import annotations

import glob as globbing
from pathlib import Path

from kaconsole.core.checks.cluster import check_cluster
from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.conf.parse import parse_config
from kaconsole.core.facts import ChannelStatus, ConfigObserved
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import reduce
from kaconsole.ui.present.config import config_lines

INCLUDE = Path(__file__).parents[1] / "data" / "conf" / "include"
MAIN = str(INCLUDE / "keepalived.conf")
SECRET = "Vry$ecret99"


def _node(changes: dict[str, str]) -> KeepalivedConfig:
    """The include sample, with a password in it and `changes` made to its files' text."""
    def read(path: str) -> str:
        text = Path(path).read_text()
        if path.endswith("20-db.conf"):
            text = text.replace("    nopreempt\n", f"    nopreempt\n    authentication {{\n"
                                f"        auth_type PASS\n        auth_pass {SECRET}\n    }}\n")
        for old, new in changes.items():
            text = text.replace(old, new)
        return text

    return parse_config(read(MAIN), path=MAIN, read=read, glob=globbing.glob, keep_source=True)


def _state(configs: dict[str, KeepalivedConfig]) -> ClusterState:
    state = initial_state("pair", [(n, f"198.18.1.{i}") for i, n in enumerate(configs, 1)])
    for name, config in configs.items():
        state = reduce(state, ConfigObserved.of(name, config, 1.0))
    return state


def _text(configs: dict[str, KeepalivedConfig]) -> list[str]:
    state = _state(configs)
    found = check_cluster(configs, {})
    return ["".join(t for t, _ in line) for line in config_lines(state, found)]


def test_each_node_reads_as_keepalived_reads_it_includes_in_place() -> None:
    lines = _text({"a": _node({}), "b": _node({"priority 150": "priority 140"})})
    assert lines.index("a  " + MAIN + " and 5 included") < lines.index(
        "b  " + MAIN + " and 5 included")
    a = lines[lines.index("a  " + MAIN + " and 5 included"):]
    include = a.index("    8  include scripts/{check,notify}.inc")
    assert a[include + 1] == f"  ── included {INCLUDE}/scripts/check.inc"
    assert a[include + 2] == "    1  vrrp_script chk_nginx {"
    vips = a.index(f"  ── included {INCLUDE}/common/web-vips.inc")
    assert "include ../common/web-vips.inc" in a[vips - 1]
    assert a[vips + 1] == "    1  10.0.0.100/24 dev eth1 label eth1:web"
    assert a[vips + 3] == f"  ── {INCLUDE}/conf.d/10-web.conf continues"
    assert f"  ── {MAIN} continues" in a


def test_the_secret_never_appears_and_its_line_says_so() -> None:
    lines = _text({"a": _node({}), "b": _node({SECRET: "0ther"})})
    assert not any(SECRET in line for line in lines)
    assert "    9          auth_pass ***" in lines  # 20-db.conf, on both nodes
    assert "  VI_DB authentication: PASS, password A on a; PASS, password B on b" in lines


def test_differences_come_first_and_name_every_node() -> None:
    lines = _text({"a": _node({}), "b": _node({"priority 150": "priority 140",
                                               "router_id NODE_A": "router_id NODE_B"})})
    assert lines[0] == "Differences between nodes"
    assert lines[1:3] == ["  global_defs router_id: NODE_A on a; NODE_B on b",
                          "  VI_WEB priority: 150 on a; 140 on b"]
    assert lines[3] == "Findings: 1 warning  (kaconsole check's, from the configurations alone)"
    same = _text({"a": _node({}), "b": _node({})})
    assert same[:2] == ["Differences between nodes", "  none"]


def test_a_finding_sits_under_the_line_it_concerns_on_each_node() -> None:
    lines = _text({"a": _node({}), "b": _node({})})  # SECRET has 11 characters: 8 are used
    under = [i for i, line in enumerate(lines) if "▲ warning auth_pass_truncated:" in line]
    assert len(under) == 3  # listed at the top, then beside the line on a and on b
    assert "a, b, under" in lines[under[0]]
    for i in under[1:]:
        assert lines[i - 1].endswith("auth_pass ***")
        assert lines[i].startswith("       ▲ warning auth_pass_truncated: auth_pass of VI_DB")


def test_a_finding_without_a_line_is_listed_at_the_top() -> None:
    configs = {"a": _node({}), "b": _node({})}
    state = _state(configs)
    found = [*check_cluster(configs, {}), *check_cluster({"a": configs["a"], "c": None}, {})]
    lines = ["".join(t for t, _ in line) for line in config_lines(state, found)]
    top = lines[:lines.index("a  " + MAIN + " and 5 included")]
    assert any(line.startswith("  ▲ error config_unreadable: cannot check c") for line in top)


def test_a_node_whose_configuration_is_not_read_says_why() -> None:
    state = reduce(initial_state("pair", [("a", "198.18.1.1"), ("b", "198.18.1.2")]),
                   ConfigObserved.of("a", _node({}), 1.0))
    lines = ["".join(t for t, _ in line) for line in config_lines(state, ())]
    assert lines[-1] == "b  keepalived.conf not read yet"
    state = reduce(state, ChannelStatus("b", "config", False, 2.0, "cannot read /etc/k.conf"))
    lines = ["".join(t for t, _ in line) for line in config_lines(state, ())]
    assert lines[-1] == "b  keepalived.conf not read: cannot read /etc/k.conf"
