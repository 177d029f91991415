"""core.checks: every finding on small configs, and the reference pair exactly as printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.checks.cluster import (
    ConfigTest,
    Finding,
    NodeEvidence,
    check_cluster,
    exit_status,
)
from kaconsole.core.checks.node import config_test_meaning, script_path
from kaconsole.core.conf.model import KeepalivedConfig, Where
from kaconsole.core.conf.parse import parse_config

TEMPLATE = """\
global_defs {{
    router_id {rid}
    {globals}
}}
vrrp_script chk {{
    script "/usr/local/bin/chk --quiet"
    weight {weight}
}}
vrrp_instance {name} {{
    state BACKUP
    interface eth1
    virtual_router_id {vrid}
    priority {priority}
    advert_int {advert}
    {inst}
    authentication {{
        auth_type {auth_type}
        auth_pass {password}
    }}
    virtual_ipaddress {{
        {vips}
    }}
    track_script {{
        chk
    }}
}}
"""
SECURE = "enable_script_security\n    script_user root"


def node_conf(node: str, **kw: Any) -> KeepalivedConfig:
    values: dict[str, Any] = {
        "rid": f"R_{node.upper()}", "globals": SECURE, "weight": -30, "name": "VI_1",
        "vrid": 51, "priority": 120 if node == "a" else 100, "advert": 1, "inst": "",
        "auth_type": "PASS", "password": "s3cret", "vips": "10.0.0.100/24 dev eth1"}
    values.update(kw)
    return parse_config(TEMPLATE.format(**values), path=f"/etc/keepalived/{node}.conf")


def pair(a: dict[str, Any] | None = None, b: dict[str, Any] | None = None,
         ) -> dict[str, KeepalivedConfig | None]:
    return {"a": node_conf("a", **(a or {})), "b": node_conf("b", **(b or {}))}


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def one(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, findings
    return hits[0]


def test_a_sound_pair_has_no_findings() -> None:
    findings = check_cluster(pair(), {})
    assert findings == []
    assert exit_status(findings) == 0


# -- the reference deployment (REFERENCE.md), as printed -------------------------------------

@pytest.fixture
def reference(data_dir: Path) -> dict[str, KeepalivedConfig | None]:
    def load(name: str) -> KeepalivedConfig:
        path = data_dir / "conf" / f"{name}.conf"
        return parse_config(path.read_text(), path="/etc/keepalived/keepalived.conf")
    return {"lvs-master": load("master"), "lvs-backup": load("backup")}


def test_reference_pair_finds_the_four_problems_and_nothing_else(
        reference: dict[str, KeepalivedConfig | None]) -> None:
    findings = check_cluster(reference, {})
    assert sorted(codes(findings)) == sorted([
        "strict_no_accept",      # vrrp_strict implies no_accept: HTTP to the VIP is dropped
        "strict_ignores_auth",   # vrrp_strict ignores the authentication block
        "auth_pass_truncated",   # cluster_pass -> 8 characters
        "script_security",       # why keepalived -t fails (exit status: from the node)
        "weight_tie",            # 120 - 20 = 100 = the BACKUP's: the weight never moves the VIP
    ])
    both = ("lvs-master", "lvs-backup")
    assert all(f.nodes == both and f.instance in ("VI_CLUSTER", None) for f in findings)
    tie = one(findings, "weight_tie")
    assert tie.to_json() | {"file": None, "line": None} == {
        "severity": "warning", "code": "weight_tie", "instance": "VI_CLUSTER",
        "nodes": ["lvs-master", "lvs-backup"], "file": None, "line": None,
        "message": "monitor_nginx failing on lvs-master lowers 120 by 20 to 100, equal to "
                   "lvs-backup's 100: a BACKUP does not take over on equal priority, so the "
                   "VIP stays on lvs-master; use a weight below -20"}
    assert tie.where == Where("/etc/keepalived/keepalived.conf", 30)
    no_accept = one(findings, "strict_no_accept")
    assert no_accept.severity == "error"
    assert "192.168.10.100" in no_accept.message
    assert "`accept`" in no_accept.message
    assert [f.severity for f in findings] == sorted(
        (f.severity for f in findings), key=["error", "warning", "info"].index)


def test_reference_on_real_nodes_adds_keepalived_own_verdict(
        reference: dict[str, KeepalivedConfig | None], data_dir: Path) -> None:
    sample = json.loads((data_dir / "check" / "reference-node.json").read_text())
    evidence = NodeEvidence(version=sample["version"],
                            scripts={"/healthcheck/check_nginx.sh": "ok"},
                            interfaces=frozenset({"lo", "ens33"}),
                            config_test=ConfigTest(sample["exit_status"],
                                                   tuple(sample["messages"])))
    findings = check_cluster(reference, {"lvs-master": evidence, "lvs-backup": evidence})
    rejects = [f for f in findings if f.code == "keepalived_rejects"]
    assert [f.nodes for f in rejects] == [("lvs-master",), ("lvs-backup",)]
    message = rejects[0].message
    assert message.startswith("`keepalived -t -f /etc/keepalived/keepalived.conf` on lvs-master "
                              "(keepalived 2.2.7) exits 6: scripts are configured without "
                              "script security;")
    assert "remove `vrrp_garp_interval 0`" in message
    assert "remove `vrrp_gna_interval 0`" in message
    assert rejects[0].details == tuple(sample["messages"])
    assert len(findings) == 5 + 2


def test_the_exit_status_of_keepalived_t_on_a_host_without_the_interface(
        reference: dict[str, KeepalivedConfig | None], data_dir: Path) -> None:
    sample = json.loads((data_dir / "check" / "reference-host.json").read_text())
    evidence = NodeEvidence(version="2.2.7", config_test=ConfigTest(
        sample["exit_status"], tuple(sample["messages"])))
    rejects = one(check_cluster(reference, {"lvs-master": evidence}), "keepalived_rejects")
    assert "exits 5: there are configuration errors; keepalived runs" in rejects.message
    assert "fix the interface names" in rejects.message


@pytest.mark.parametrize(("version", "status", "severity", "meaning"), [
    ("2.2.7", 4, "error", "cannot run"),
    ("2.2.7", 5, "warning", "configuration errors"),
    ("2.2.7", 6, "warning", "script security"),
    ("2.1.5", 3, "error", "cannot run"),      # before the exit codes became an enum (2.2.0)
    ("2.1.5", 4, "warning", "configuration errors"),
    ("2.1.5", 5, "warning", "script security"),
    (None, 6, "warning", "script security"),  # unknown: the current numbering
    ("2.2.7", 9, "error", "unexpected"),
])
def test_config_test_exit_statuses_by_version(version: str | None, status: int,
                                              severity: str, meaning: str) -> None:
    got = config_test_meaning(version, status)
    assert got[0] == severity
    assert meaning in got[1]


def test_a_passing_config_test_is_no_finding() -> None:
    evidence = NodeEvidence(version="2.2.7", config_test=ConfigTest(0, ()))
    assert check_cluster(pair(), {"a": evidence, "b": evidence}) == []


def test_a_config_test_that_did_not_finish_says_so() -> None:
    evidence = NodeEvidence(version="2.2.7", config_test=ConfigTest(None, ()))
    found = one(check_cluster(pair(), {"a": evidence}), "keepalived_rejects")
    assert "did not finish" in found.message
    assert found.nodes == ("a",)


# -- cross-node comparisons ------------------------------------------------------------------

def test_vrid_mismatch_is_split_brain() -> None:
    found = one(check_cluster(pair(b={"vrid": 52}), {}), "vrid_mismatch")
    assert found.severity == "error"
    assert found.nodes == ("a", "b")
    assert "virtual_router_id 51 on a; 52 on b" in found.message
    assert "split brain" in found.message


def test_instances_are_matched_by_vrid_when_names_differ() -> None:
    assert check_cluster(pair(b={"name": "VI_OTHER"}), {}) == []


def test_an_instance_on_one_node_only() -> None:
    configs = pair(b={"name": "VI_OTHER", "vrid": 60})
    found = [f for f in check_cluster(configs, {}) if f.code == "instance_missing"]
    assert [(f.instance, f.nodes) for f in found] == [("VI_1", ("a",)), ("VI_OTHER", ("b",))]


def test_vip_mismatch_names_the_addresses() -> None:
    found = one(check_cluster(pair(b={"vips": "10.0.0.101/24 dev eth1"}), {}), "vip_mismatch")
    assert "10.0.0.100/24 on a; 10.0.0.101/24 on b" in found.message


def test_vip_prefix_counts_device_does_not() -> None:
    assert codes(check_cluster(pair(b={"vips": "10.0.0.100/25 dev eth1"}), {})) == [
        "vip_mismatch"]
    assert check_cluster(pair(b={"vips": "10.0.0.100/24 dev ens4"}), {}) == []


def test_auth_mismatch_compares_without_showing_either_secret() -> None:
    findings = check_cluster(pair(a={"password": "alpha123"}, b={"password": "bravo456"}), {})
    found = one(findings, "auth_mismatch")
    assert found.severity == "error"
    assert "compared, not shown" in found.message
    text = json.dumps([f.to_json() for f in findings])
    assert "alpha" not in text
    assert "bravo" not in text


def test_passwords_equal_in_their_first_8_characters_match() -> None:
    findings = check_cluster(pair(a={"password": "same1234X"}, b={"password": "same1234Y"}), {})
    assert codes(findings) == ["auth_pass_truncated"]
    assert "same1234" not in json.dumps([f.to_json() for f in findings])


def test_auth_type_mismatch() -> None:
    found = one(check_cluster(pair(b={"auth_type": "AH"}), {}), "auth_mismatch")
    assert "auth_type PASS on a; auth_type AH on b" in found.message


def test_strict_on_one_node_only_means_no_authentication_there() -> None:
    findings = check_cluster(pair(b={"globals": SECURE + "\n    vrrp_strict"}), {})
    assert "auth_type none (in effect) on b" in one(findings, "auth_mismatch").message
    assert {"strict_no_accept", "strict_ignores_auth"} <= set(codes(findings))


@pytest.mark.parametrize(("extra", "severity"), [("", "error"), ("vrrp_version 3", "warning")])
def test_advert_int_mismatch(extra: str, severity: str) -> None:
    globals_ = f"{SECURE}\n    {extra}"
    configs = pair(a={"advert": 1, "globals": globals_}, b={"advert": 2, "globals": globals_})
    found = one(check_cluster(configs, {}), "advert_int_mismatch")
    assert found.severity == severity
    assert "advert_int 1 s on a; 2 s on b" in found.message


def test_version_mismatch() -> None:
    found = one(check_cluster(pair(b={"inst": "version 3"}), {}), "version_mismatch")
    assert "VRRP v2 on a; v3 on b" in found.message


def test_router_id_duplicate() -> None:
    found = one(check_cluster(pair(b={"rid": "R_A"}), {}), "router_id_duplicate")
    assert found.nodes == ("a", "b")
    assert "R_A" in found.message


def test_lvs_virtual_and_real_servers_must_match(data_dir: Path) -> None:
    text = (data_dir / "conf" / "lvs.conf").read_text()
    same = parse_config(text, path="lvs.conf")
    text_b = text.replace("LVS_1", "LVS_2").replace("priority 150", "priority 100")
    # lvs.conf's lvs_id is unknown to keepalived 2.x: the only findings of an equal pair
    assert [(f.code, f.nodes) for f in check_cluster({"a": same, "b": parse_config(text_b)}, {})
            ] == [("config_unknown_keyword", ("a",)), ("config_unknown_keyword", ("b",))]
    other = text_b.replace("weight 3", "weight 2").replace(
        "lb_algo wrr", "lb_algo rr").replace("virtual_server fwmark 7", "virtual_server fwmark 8")
    findings = check_cluster({"a": same, "b": parse_config(other, path="lvs.conf")}, {})
    assert sorted(codes(findings)) == ["config_unknown_keyword", "config_unknown_keyword",
                                       "real_server_mismatch", "virtual_server_mismatch",
                                       "virtual_server_mismatch", "virtual_server_mismatch"]
    reals = one(findings, "real_server_mismatch")
    assert "198.51.100.11:80 weight 3" in reals.message
    assert "198.51.100.11:80 weight 2" in reals.message


# -- priorities and weights ------------------------------------------------------------------

def test_priority_tie_at_the_top() -> None:
    found = one(check_cluster(pair(a={"priority": 100}), {}), "priority_tie")
    assert found.severity == "warning"
    assert found.nodes == ("a", "b")


def test_priority_tie_with_nopreempt_everywhere_is_intended() -> None:
    configs = pair(a={"priority": 100, "inst": "nopreempt"}, b={"inst": "nopreempt"})
    assert "priority_tie" not in codes(check_cluster(configs, {}))


def test_weight_ineffective_when_the_master_stays_above() -> None:
    found = one(check_cluster(pair(a={"weight": -10}, b={"weight": -10}), {}),
                "weight_ineffective")
    assert found.message == ("chk failing on a lowers 120 by 10 to 110, still above b's 100: "
                             "the VIP stays on a; use a weight below -20")


def test_a_weight_that_moves_the_vip_is_no_finding() -> None:
    assert check_cluster(pair(a={"weight": -21}, b={"weight": -21}), {}) == []


def test_nopreempt_on_the_backup_keeps_the_vip() -> None:
    found = one(check_cluster(pair(b={"inst": "nopreempt"}), {}), "weight_ineffective")
    assert found.message.endswith("remove nopreempt from b if the VIP should follow chk")


def test_a_positive_weight_lost_on_failure() -> None:
    configs = pair(a={"priority": 100, "weight": 10}, b={"priority": 100, "weight": 0})
    findings = check_cluster(configs, {})
    assert codes(findings) == ["weight_tie"]  # 110 and 100 while chk passes: no priority tie
    found = findings[0]
    assert found.message.startswith("chk failing on a lowers 110 by 10 to 100, equal to b's 100")
    assert found.message.endswith("use a priority below 100 on a, with a weight that lifts it "
                                  "above 100 while chk passes")


def test_the_address_owner_never_changes_priority() -> None:
    found = one(check_cluster(pair(a={"priority": 255}), {}), "weight_ineffective")
    assert "255" in found.message
    assert "lower priority" in found.message


# -- strict mode -----------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "cause"), [
    ({"inst": "strict_mode"}, "strict_mode in VI_1 implies no_accept"),
    ({"inst": "no_accept"}, "no_accept in VI_1"),
    ({"globals": SECURE + "\n    vrrp_strict"}, "vrrp_strict (global_defs) implies no_accept"),
])
def test_strict_no_accept_causes(a: dict[str, Any], cause: str) -> None:
    found = one(check_cluster(pair(a=a), {}), "strict_no_accept")
    assert found.message.startswith(f"{cause} on a:")
    assert found.nodes == ("a",)


@pytest.mark.parametrize("a", [{"globals": SECURE + "\n    vrrp_strict", "inst": "accept"},
                               {"inst": "strict_mode\n    accept"}])
def test_accept_undoes_no_accept(a: dict[str, Any]) -> None:
    assert "strict_no_accept" not in codes(check_cluster(pair(a=a), {}))


# -- node evidence ---------------------------------------------------------------------------

def test_script_path_is_the_first_word() -> None:
    script = node_conf("a").script("chk")
    assert script is not None
    assert script_path(script) == "/usr/local/bin/chk"


@pytest.mark.parametrize(("status", "words"), [("missing", "does not exist"),
                                               ("not_executable", "is not executable")])
def test_script_missing(status: str, words: str) -> None:
    facts = {"b": NodeEvidence(scripts={"/usr/local/bin/chk": status})}  # type: ignore[dict-item]
    found = one(check_cluster(pair(), facts), "script_missing")
    assert found.nodes == ("b",)
    assert found.instance == "VI_1"
    assert words in found.message
    ok = {"b": NodeEvidence(scripts={"/usr/local/bin/chk": "ok"})}
    assert check_cluster(pair(), ok) == []


def test_interface_missing() -> None:
    facts = {"a": NodeEvidence(interfaces=frozenset({"lo", "eth0"})),
             "b": NodeEvidence(interfaces=frozenset({"lo", "eth1"}))}
    found = one(check_cluster(pair(), facts), "interface_missing")
    assert found.nodes == ("a",)
    assert "interface eth1" in found.message


def test_an_unreachable_node_is_a_finding_and_the_rest_is_checked() -> None:
    configs = pair(b={"vrid": 52})
    configs["c"] = None
    findings = check_cluster(configs, {"c": NodeEvidence(error="no answer from 10.0.0.3")})
    unreadable = one(findings, "config_unreadable")
    assert unreadable.nodes == ("c",)
    assert "no answer from 10.0.0.3" in unreadable.message
    assert "vrid_mismatch" in codes(findings)
    assert exit_status(findings) == 1


def test_syntax_errors_are_reported_with_their_place() -> None:
    broken = parse_config("vrrp_instance VI_1 {\n  priority 100\n}\n}\n", path="k.conf")
    found = one(check_cluster({"a": broken}, {}), "config_syntax")
    assert found.where is not None
    assert found.where.line == 4


def test_script_security_needs_enable_script_security() -> None:
    found = one(check_cluster(pair(b={"globals": ""}), {}), "script_security")
    assert found.nodes == ("b",)
    assert found.instance is None


def test_finding_json_keys() -> None:
    found = check_cluster(pair(b={"vrid": 52}), {})[0]
    assert set(found.to_json()) == {"severity", "code", "instance", "nodes", "message",
                                    "file", "line"}
