"""The lab's generated configs: the reference deployment made to work; a contract cluster file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.lab import configs
from kaconsole.lab.configs import LabSpec, NodeSpec


def test_default_keepalived_conf_mirrors_the_reference() -> None:
    spec = LabSpec(password="s3cret42")
    node1, node2 = (configs.keepalived_conf(spec, n) for n in spec.node_specs())
    for conf in (node1, node2):
        assert "virtual_router_id 51\n" in conf
        assert "advert_int 1\n" in conf
        assert "auth_type PASS\n" in conf
        assert "auth_pass s3cret42\n" in conf
        assert "weight -20\n" in conf
        assert "interval 1\n" in conf
        assert "enable_script_security\n" in conf
        assert "script_user root\n" in conf
        assert "198.18.2.100/24 dev eth1\n" in conf
        assert "vrrp_strict" not in conf  # its no_accept firewall would drop HTTP to the VIP
        assert "unicast_peer" not in conf
        assert "vrrp_version" not in conf
    assert "state MASTER\n" in node1
    assert "priority 120\n" in node1
    assert "state BACKUP\n" in node2
    assert "priority 100\n" in node2


def test_v3_drops_authentication_and_unicast_lists_the_other_nodes() -> None:
    spec = LabSpec(nodes=3, instances=2, vrrp_version=3, unicast=True)
    conf = configs.keepalived_conf(spec, NodeSpec(2))
    assert "vrrp_version 3\n" in conf
    assert "authentication" not in conf
    assert conf.count("unicast_src_ip 198.18.2.12\n") == 2
    assert "unicast_peer {\n        198.18.2.11\n        198.18.2.13\n    }" in conf
    assert "vrrp_instance VI_CLUSTER {" in conf
    assert "vrrp_instance VI_CLUSTER_2 {" in conf
    assert "virtual_router_id 52\n" in conf
    assert "198.18.2.101/24 dev eth1" in conf


def test_check_script_stops_keepalived_when_nginx_is_gone() -> None:
    script = configs.check_script()
    assert script.startswith("#!/bin/sh\n")
    assert "pgrep -x nginx" in script
    assert "kill $(cat /run/keepalived.pid)" in script


def test_node_addresses_and_names_fit_linux_limits() -> None:
    spec = LabSpec(nodes=configs.MAX_NODES)
    nodes = spec.node_specs()
    assert [n.priority for n in nodes] == [120, 100, 80, 60, 40, 20]
    for n in nodes:
        for ifname in (n.host_mgmt_veth, n.host_svc_veth, n.netns):
            assert ifname.startswith("kclab")
            assert len(ifname) <= 15
    assert (nodes[0].mgmt_ip, nodes[0].svc_ip) == ("198.18.1.11", "198.18.2.11")


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (LabSpec(nodes=0), "--nodes"),
        (LabSpec(nodes=configs.MAX_NODES + 1), "--nodes"),
        (LabSpec(instances=0), "--instances"),
        (LabSpec(vrrp_version=4), "--vrrp-version"),
    ],
)
def test_validate_names_the_bad_option(spec: LabSpec, problem: str) -> None:
    assert [p for p in spec.validate() if problem in p]


def test_nginx_and_sshd_configs() -> None:
    node = NodeSpec(2)
    assert 'return 200 "node2\\n";' in configs.nginx_conf(node)
    assert "pid /run/nginx.pid;" in configs.nginx_conf(node)
    sshd = configs.sshd_config(node)
    assert "ListenAddress 198.18.1.12\n" in sshd
    assert "PasswordAuthentication no\n" in sshd
    assert "AuthorizedKeysFile /etc/ssh/authorized_keys/%u\n" in sshd


def test_known_hosts_lines() -> None:
    text = configs.known_hosts({"198.18.1.11": "ssh-ed25519 AAAA node1\n"})
    assert text == "198.18.1.11 ssh-ed25519 AAAA node1\n"


def test_cluster_file_is_a_valid_contract_inventory() -> None:
    spec = LabSpec(password="s3cret42")
    text = configs.cluster_yaml(spec, Path("/var/lib/kaconsole/lab"))
    assert "s3cret42" not in text
    cluster = parse_cluster(text, "cluster.yaml")
    assert [(n.name, n.host) for n in cluster.nodes] == [
        ("node1", "198.18.1.11"),
        ("node2", "198.18.1.12"),
    ]
    node = cluster.nodes[0]
    assert node.ssh.user == "root"
    assert node.ssh.host_key_policy == "strict"
    assert node.ssh.identity_file == "/var/lib/kaconsole/lab/id_ed25519"
    assert node.ssh.known_hosts == "/var/lib/kaconsole/lab/known_hosts"
    assert node.logs.source == "file"
    assert node.logs.path == "/var/log/keepalived.log"
    assert node.capture.interface == "eth1"
    assert node.services["keepalived"].command("stop") == "kill $(cat /run/keepalived.pid)"
    assert node.services["nginx"].command("status") == "pgrep -x nginx"
    assert "while pgrep -x keepalived" in node.services["keepalived"].command("restart")
    assert cluster.vip_probe is not None
    assert cluster.vip_probe.url == "http://198.18.2.100/"


def test_cluster_file_names_its_lab_for_the_gate() -> None:
    text = configs.cluster_yaml(LabSpec(), Path("/var/lib/kaconsole/lab"))
    assert parse_cluster(text, "cluster.yaml").lab_dir == "/var/lib/kaconsole/lab"


def test_subnets_move_every_address() -> None:
    spec = LabSpec(nodes=3, unicast=True, mgmt_net="198.19.10.0/24", svc_net="198.18.128.0/25")
    node2 = spec.node_specs()[1]
    assert (node2.mgmt_ip, node2.svc_ip) == ("198.19.10.12", "198.18.128.12")
    assert (spec.host_mgmt_ip, spec.host_svc_ip) == ("198.19.10.1", "198.18.128.1")
    assert spec.vips() == ["198.18.128.100"]
    conf = configs.keepalived_conf(spec, node2)
    assert "198.18.128.100/25 dev eth1\n" in conf
    assert "unicast_peer {\n        198.18.128.11\n        198.18.128.13\n    }" in conf
    assert "ListenAddress 198.19.10.12\n" in configs.sshd_config(node2)
    cluster = parse_cluster(configs.cluster_yaml(spec, Path("/lab")), "cluster.yaml")
    assert [n.host for n in cluster.nodes] == ["198.19.10.11", "198.19.10.12", "198.19.10.13"]
    assert spec.validate() == []


@pytest.mark.parametrize(
    ("mgmt", "svc", "problem"),
    [
        ("192.0.2.0/24", configs.DEFAULT_SVC_NET, "--mgmt-net 192.0.2.0/24: must lie inside"),
        (configs.DEFAULT_MGMT_NET, "203.0.113.0/24", "--svc-net 203.0.113.0/24: must lie inside"),
        ("198.17.255.0/24", configs.DEFAULT_SVC_NET, "must lie inside 198.18.0.0/15"),
        ("198.18.1.0/26", configs.DEFAULT_SVC_NET, "too small"),
        ("198.18.1.7/24", configs.DEFAULT_SVC_NET, "not an IPv4 subnet"),
        ("2001:db8::/64", configs.DEFAULT_SVC_NET, "must lie inside"),
        ("198.18.0.0/16", configs.DEFAULT_SVC_NET, "must not overlap"),
    ],
)
def test_subnets_outside_the_benchmark_range_are_refused(mgmt: str, svc: str,
                                                          problem: str) -> None:
    problems = LabSpec(mgmt_net=mgmt, svc_net=svc).validate()
    assert [p for p in problems if problem in p], problems


def test_a_node_on_another_keepalived_gets_the_newer_dump_settings() -> None:
    spec = LabSpec(keepalived={"node2": "2.3.3"})
    node1, node2 = spec.node_specs()
    assert (node1.keepalived, node2.keepalived) == (None, "2.3.3")
    assert "json_version" not in configs.keepalived_conf(spec, node1)
    conf = configs.keepalived_conf(spec, node2)
    assert f"   json_version 2\n   json_dump_file {configs.MOVED_JSON_DUMP}\n" in conf
    assert "keepalived 2.3.3 on node2" in configs.cluster_yaml(spec, Path("/lab"))
    assert spec.validate() == []
    problems = LabSpec(keepalived={"node9": "2.3.3"}).validate()
    assert problems == ["--keepalived node9=2.3.3: no such node (nodes: node1, node2)"]


def test_a_named_lab_has_its_own_vrids_cluster_name_and_lab_key() -> None:
    mgmt, svc = configs.slot_nets(1)
    spec = LabSpec(instances=2, mgmt_net=mgmt, svc_net=svc, name="b")
    conf = configs.keepalived_conf(spec, spec.node_specs()[0])
    assert "virtual_router_id 59\n" in conf  # none of the default lab's 51..58
    assert "virtual_router_id 60\n" in conf
    assert "198.18.4.100/24 dev eth1\n" in conf
    cluster = parse_cluster(configs.cluster_yaml(spec, Path("/var/lib/kaconsole/lab-b")),
                            "cluster.yaml")
    assert cluster.name == "kaconsole-lab-b"
    assert cluster.description.startswith("kaconsole lab b: 2 nodes")
    assert (cluster.lab_dir, cluster.lab_name) == ("/var/lib/kaconsole/lab-b", "b")
    assert [n.host for n in cluster.nodes] == ["198.18.3.11", "198.18.3.12"]
    assert cluster.vip_probe is not None
    assert cluster.vip_probe.url == "http://198.18.4.100/"
    default = configs.cluster_document(LabSpec(), Path("/var/lib/kaconsole/lab"))
    assert default["lab"] == {"dir": "/var/lib/kaconsole/lab"}  # the default file is unchanged
