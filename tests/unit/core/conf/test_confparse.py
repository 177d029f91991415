"""The model's fields and keepalived's defaults, on real configurations from tests/data/conf."""

from __future__ import annotations

import glob as globlib
import json
from pathlib import Path

import pytest

from kaconsole.core.conf.model import KeepalivedConfig, Where
from kaconsole.core.conf.parse import parse_config


def load(path: Path, **kwargs: str) -> KeepalivedConfig:
    """Parse a file of tests/data/conf, includes read from disk."""
    return parse_config(path.read_text(), path=str(path),
                        read=lambda p: Path(p).read_text(),
                        glob=lambda p: sorted(globlib.glob(p)), **kwargs)


@pytest.fixture
def conf(data_dir: Path) -> Path:
    return data_dir / "conf"


def test_reference_master_matches_the_contract_example(conf: Path) -> None:
    config = load(conf / "master.conf")
    out = config.to_json()
    assert {k: out["global"][k] for k in ("router_id", "vrrp_strict", "vrrp_version")} == {
        "router_id": "LVS_MASTER", "vrrp_strict": True, "vrrp_version": 2}
    script = out["scripts"][0]
    assert {k: script[k] for k in ("name", "script", "interval", "weight")} == {
        "name": "monitor_nginx", "script": "/healthcheck/check_nginx.sh", "interval": 5,
        "weight": -20}
    instance = out["instances"][0]
    expected = {"name": "VI_CLUSTER", "state": "MASTER", "interface": "ens33",
                "virtual_router_id": 51, "priority": 120, "advert_int": 1.0, "nopreempt": False,
                "authentication": {"auth_type": "PASS", "auth_pass": "***"},
                "virtual_ipaddress": ["192.168.10.100/24 dev ens33"], "unicast_peer": [],
                "track_script": ["monitor_nginx"]}
    assert {k: instance[k] for k in expected} == expected
    assert (out["sync_groups"], out["virtual_servers"], out["errors"], out["warnings"]) == (
        [], [], [], [])
    assert isinstance(instance["advert_int"], float)
    assert isinstance(script["interval"], int)


def test_reference_globals_and_locations(conf: Path) -> None:
    config = load(conf / "backup.conf")
    g = config.global_defs
    assert (g.router_id, g.vrrp_garp_interval, g.vrrp_gna_interval, g.vrrp_iptables,
            g.vrrp_skip_check_adv_addr, g.enable_script_security, g.script_user) == (
        "LVS_BACKUP", 0.0, 0.0, True, True, False, None)
    instance = config.instance("VI_CLUSTER")
    assert instance is not None
    assert (instance.state, instance.priority) == ("BACKUP", 100)
    path = str(conf / "backup.conf")
    assert instance.where == Where(path, 16)
    assert instance.locations["priority"] == Where(path, 20)
    assert instance.locations["auth_pass"] == Where(path, 24)
    assert g.locations["vrrp_strict"] == Where(path, 4)
    assert config.script("monitor_nginx") is not None
    assert config.script("monitor_nginx").locations["weight"] == Where(path, 13)  # type: ignore[union-attr]
    auth = instance.authentication
    assert auth is not None
    assert auth.auth_pass is not None
    assert auth.auth_pass.reveal() == "cluster_pass"
    assert instance.vips == ("192.168.10.100",)
    assert (instance.virtual_ipaddress[0].prefix, instance.virtual_ipaddress[0].dev) == (
        24, "ens33")


def test_defaults_when_keys_are_absent() -> None:
    config = parse_config("vrrp_instance V {\n}\nvrrp_script s {\n}\n")
    instance, script = config.instances[0], config.scripts[0]
    assert (instance.priority, instance.advert_int, instance.nopreempt, instance.accept,
            instance.version, instance.authentication, instance.state) == (
        100, 1.0, False, None, None, None, None)
    assert (script.interval, script.weight, script.fall, script.rise, script.script) == (
        1.0, 0, 1, 1, None)
    assert config.global_defs.vrrp_version == 2


def test_unicast_instance_every_field(conf: Path) -> None:
    config = load(conf / "unicast.conf")
    assert config.errors == config.warnings == ()
    g = config.global_defs
    assert (g.vrrp_garp_interval, g.vrrp_gna_interval, g.enable_script_security, g.script_user) == (
        0.001, 0.000001, True, "root")
    assert g.extra["notification_email"] == ["ops@example.com"]
    script = config.scripts[0]
    assert (script.script, script.weight, script.weight_reverse) == (
        "/usr/bin/pgrep -x haproxy", 5, True)
    i = config.instances[0]
    assert (i.advert_int, i.nopreempt, i.preempt_delay, i.accept, i.unicast_src_ip) == (
        2.0, True, 30.0, True, "10.10.0.11")
    assert i.unicast_peer == ("10.10.0.12", "10.10.0.13")
    assert i.authentication is not None
    assert i.authentication.auth_type == "AH"
    assert i.authentication.auth_pass is not None
    assert i.authentication.auth_pass.reveal() == "long secret"
    assert i.virtual_ipaddress[0].label == "ens192:vip"
    assert [(t.name, t.weight) for t in i.track_interface] == [("ens192", None), ("ens224", -50)]
    assert [(t.name, t.weight) for t in i.track_script] == [("chk_haproxy", -60)]
    assert i.garp == {"garp_master_delay": 5.0, "garp_master_refresh": 60.0,
                      "garp_master_repeat": 3.0}
    assert i.notify == {"notify_master": "/etc/keepalived/notify.sh MASTER",
                        "notify_master_user": "root",
                        "notify_backup": "/etc/keepalived/notify_backup.sh",
                        "notify": "/etc/keepalived/notify_all.sh"}
    assert i.extra == {"smtp_alert": True, "use_vmac": "vrrp.77"}


def test_vrrpv3_ipv6(conf: Path) -> None:
    config = load(conf / "vrrpv3-ipv6.conf")
    assert config.global_defs.vrrp_version == 3
    v6, v4 = config.instances
    assert v6.advert_int == 0.3
    assert v6.vips == ("fe80::90", "2001:db8:0:1::100")
    assert [vip.prefix for vip in v6.virtual_ipaddress] == [64, 64]
    assert [vip.address for vip in v6.virtual_ipaddress_excluded] == [
        "2001:db8:0:2::100", "192.0.2.90"]
    assert v6.extra == {"native_ipv6": True}
    assert (v6.version, v4.version) == (None, 3)


def test_lvs_virtual_and_real_servers(conf: Path) -> None:
    config = load(conf / "lvs.conf")
    assert config.errors == ()
    # keepalived 2.x dropped lvs_id: it says "Unknown keyword 'lvs_id'", and so do we
    assert [(w.code, w.where.line if w.where else 0) for w in config.warnings] == [
        ("unknown_keyword", 4)]
    assert config.global_defs.extra == {"lvs_id": "director1"}
    web, dns = config.virtual_servers
    assert (web.address, web.port, web.protocol, web.lb_algo, web.lb_kind, web.delay_loop,
            web.persistence_timeout, web.sorry_server) == (
        "192.0.2.100", 80, "TCP", "wrr", "DR", 6.0, 300, "198.51.100.250 8080")
    first, second = web.real_servers
    assert (first.address, first.port, first.weight) == ("198.51.100.11", 80, 3)
    (http,) = first.checkers
    assert http.kind == "HTTP_GET"
    assert http.settings["url"] == [["path /healthz", "status_code 200"],
                                    ["path /ready", "digest 9b3a0c85a887a256d6939da88aabd8cd"]]
    assert http.settings["connect_timeout"] == "3"
    assert second.extra == {"inhibit_on_failure": True}
    assert second.checkers[0].kind == "TCP_CHECK"
    assert second.checkers[0].settings == {"connect_port": "80", "connect_timeout": "2"}
    assert (dns.address, dns.port, dns.protocol, dns.lb_algo, dns.lb_kind) == (
        "fwmark 7", None, "UDP", "lc", "NAT")
    assert dns.real_servers[0].weight == 1
    assert dns.real_servers[0].checkers[0].settings["misc_path"] == (
        "/usr/local/bin/dns_check 198.51.100.21")


def test_include_tree_on_disk(conf: Path) -> None:
    config = load(conf / "include" / "keepalived.conf")
    assert [s.name for s in config.scripts] == ["chk_nginx", "chk_notify_fifo"]
    assert config.scripts[0].timeout == 1.0
    assert config.scripts[0].user == "nobody"
    web, db = config.instances
    assert web.vips == ("10.0.0.100", "10.0.0.101")
    assert web.virtual_ipaddress[0].where.file.endswith("include/common/web-vips.inc")
    assert (db.nopreempt, db.priority) == (True, 140)
    assert config.errors == ()
    assert [w.message for w in config.warnings] == [
        f"include conf.d/*.missing: no file matches {conf}/include/conf.d/*.missing"]


def test_definitions_file_agrees_with_keepalived_semantics(conf: Path) -> None:
    main = load(conf / "definitions.conf", config_id="main")
    other = load(conf / "definitions.conf")
    assert main.global_defs.router_id == "main_router"
    assert other.global_defs.router_id == "other_router"
    assert [(i.name, i.priority, i.vips) for i in main.instances] == [
        ("VI_1", 240, ("10.2.7.1",)), ("VI_2", 240, ("10.2.7.2",))]
    assert [i.priority for i in other.instances] == [100, 100]
    # keepalived.conf(5) says ${_HASH} gives a literal '#', but 2.2.7 decomments the line again
    # after substitution, so it starts a comment (checked with `keepalived -t`): as here.
    assert main.global_defs.extra["notification_email_from"] == "kaconsole"


def test_sync_group_sample(data_dir: Path) -> None:
    config = load(data_dir / "conf" / "samples" / "keepalived.conf.vrrp.scripts")
    (group,) = config.sync_groups
    assert group.group == ("VI_2", "VI_3")
    assert group.notify["notify_master"] == "/usr/local/bin/vrrp.mast arg1 arg2"
    assert config.instances[0].notify["notify_fault"] == "/usr/local/bin/vrrp.sh  FAULT  VI_1"


def test_unknown_blocks_and_keys_are_kept_not_errors() -> None:
    text = ("static_ipaddress {\n 10.9.9.9/24 dev lo\n}\n"
            "vrrp_track_process nginx {\n process nginx\n weight 10\n}\n"
            "vrrp_instance V {\n use_vmac\n virtual_routes {\n  src 1.1.1.1 to 2.2.2.0/24\n }\n"
            " auth_hmac {\n  key 1 hex:00112233\n  active_key 1\n }\n}\n")
    config = parse_config(text)
    assert config.errors == config.warnings == ()
    assert [(s.key, s.args) for s in config.other] == [
        ("static_ipaddress", ()), ("vrrp_track_process", ("nginx",))]
    assert config.other[1].to_json()["body"][1] == {
        "key": "weight", "args": ["10"], "file": "keepalived.conf", "line": 6}
    extra = config.instances[0].extra
    assert extra["use_vmac"] is True
    assert extra["virtual_routes"] == ["src 1.1.1.1 to 2.2.2.0/24"]
    assert extra["auth_hmac"] == ["key 1 ***", "active_key 1"]


def test_bad_values_are_warnings_with_file_and_line(data_dir: Path) -> None:
    config = load(data_dir / "conf" / "broken.conf")
    path = str(data_dir / "conf" / "broken.conf")
    assert [str(e) for e in config.errors] == [
        f"{path}:4: extra '}}'", f"{path}:6: '{{' of vrrp_instance is never closed",
        f"{path}:11: unterminated quote", f"{path}:16: '{{' of virtual_ipaddress is never closed"]
    assert [str(w) for w in config.warnings] == [
        f"{path}:9: priority: 'high' is not a whole number",
        f"{path}:10: virtual_router_id: 300 is outside 1..255",
        f"{path}:11: notify_master: missing value"]
    instance = config.instances[0]
    assert (instance.priority, instance.virtual_router_id, instance.vips) == (
        100, 300, ("192.0.2.1",))


@pytest.mark.parametrize("name", sorted(
    p.name for p in (Path(__file__).parents[3] / "data" / "conf" / "samples").glob("keepalived.*")))
def test_keepalived_samples_parse_cleanly(data_dir: Path, name: str) -> None:
    config = load(data_dir / "conf" / "samples" / name)
    assert config.errors == ()
    assert config.instances or config.virtual_servers
    json.dumps(config.to_json())


def test_duplicate_instance_is_a_warning() -> None:
    config = parse_config("vrrp_instance A {\n}\nvrrp_instance A {\n}\n")
    assert [str(w) for w in config.warnings] == [
        "keepalived.conf:3: vrrp_instance A is defined again"]
