"""How inventory settings become SSH connection options (no connection is made here)."""

from __future__ import annotations

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.transport.remote_commands import as_privileged
from kaconsole.transport.ssh import connect_options, jump_node

CLUSTER = """
name: c
ssh: {user: ops, identity_file: /keys/id, known_hosts: /keys/kh, connect_timeout: 3}
nodes:
  - {name: a, host: 192.0.2.11}
  - {name: b, host: 192.0.2.12, ssh: {port: 2222, jump: "bastion@198.51.100.1:2200", sudo: true}}
  - {name: c, host: 192.0.2.13, ssh: {host_key_policy: accept-new, jump: "[2001:db8::1]:22"}}
"""


def nodes():  # type: ignore[no-untyped-def]
    return parse_cluster(CLUSTER, "c.yaml").nodes


def test_strict_defaults() -> None:
    a = nodes()[0]
    opts = connect_options(a)
    assert opts["client_keys"] == ["/keys/id"]
    assert opts["username"] == "ops"
    assert "port" not in opts  # 22 leaves room for ~/.ssh/config's Port
    assert opts["connect_timeout"] == 3
    assert opts["keepalive_interval"] > 0
    assert opts["keepalive_count_max"] > 0


def test_port_and_jump_with_the_nodes_keys() -> None:
    b = nodes()[1]
    assert connect_options(b)["port"] == 2222
    via = jump_node(b)
    assert via is not None
    assert (via.host, via.ssh.port, via.ssh.user) == ("198.51.100.1", 2200, "bastion")
    assert via.ssh.known_hosts == "/keys/kh"
    assert via.ssh.jump is None
    assert jump_node(nodes()[0]) is None


def test_ipv6_jump_and_accept_new() -> None:
    c = nodes()[2]
    via = jump_node(c)
    assert via is not None
    assert (via.host, via.ssh.port, via.ssh.user) == ("2001:db8::1", 22, "ops")
    opts = connect_options(c)
    assert "known_hosts" not in opts  # added by connect, which reads the file (test_ssh_hostkeys)


def test_sudo_wraps_the_whole_command_quoted() -> None:
    a, b, _ = nodes()
    assert as_privileged(a, "systemctl stop nginx") == "systemctl stop nginx"
    assert as_privileged(b, "kill $(cat /run/k.pid)") == "sudo -n sh -c 'kill $(cat /run/k.pid)'"
