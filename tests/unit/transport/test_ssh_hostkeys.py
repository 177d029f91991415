"""Host-key checking end to end, against asyncssh's own server on 127.0.0.1 (no other network).

Every case runs under both policies: a known key is accepted, a changed key is refused, an
unknown key is refused under strict and recorded under accept-new, directly and through a jump
host (a second in-process server that forwards to 127.0.0.1 only).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pytest

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Node
from kaconsole.errors import HostKeyError
from kaconsole.transport.pool import ConnectionPool

POLICIES = ["strict", "accept-new"]


class _Server(asyncssh.SSHServer):
    """Accepts the test client's key; as a jump host, forwards to 127.0.0.1 only."""

    def __init__(self, server: Server) -> None:
        self._server = server

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._server.logins += 1

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        self._server.forwarded.append(dest_port)
        return dest_host == "127.0.0.1"


@dataclass
class Server:
    """One in-process SSH server: its port, host key, and what clients did to it."""

    key: asyncssh.SSHKey
    port: int = 0
    logins: int = 0
    forwarded: list[int] = field(default_factory=list)

    def entry(self, key: asyncssh.SSHKey | None = None) -> str:
        """Its known_hosts line as OpenSSH writes it, for `key` (default: its own)."""
        blob = " ".join((key or self.key).export_public_key().decode().split()[:2])
        return f"[127.0.0.1]:{self.port} {blob}\n"


@dataclass
class Lab:
    target: Server
    jump: Server
    identity: Path
    known_hosts: Path
    other_key: asyncssh.SSHKey  # a key no server uses: what a man in the middle presents

    def node(self, policy: str, *, jump: bool = False) -> Node:
        via = f', jump: "u@127.0.0.1:{self.jump.port}"' if jump else ""
        text = f"""
name: c
ssh: {{user: u, identity_file: {self.identity}, known_hosts: {self.known_hosts},
      host_key_policy: {policy}, connect_timeout: 60{via}}}
nodes:
  - {{name: n, host: 127.0.0.1, ssh: {{port: {self.target.port}}}}}
"""
        return parse_cluster(text, "c.yaml").nodes[0]


@pytest.fixture
async def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Lab]:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/config, no default known_hosts
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    identity = tmp_path / "id_ed25519"
    client_key.write_private_key(str(identity))
    authorized = asyncssh.import_authorized_keys(client_key.export_public_key().decode())
    servers = []
    for _ in range(2):
        server = Server(asyncssh.generate_private_key("ssh-ed25519"))
        listener = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[server.key],
            authorized_client_keys=authorized,
            server_factory=lambda s=server: _Server(s),  # type: ignore[misc]
        )
        server.port = listener.sockets[0].getsockname()[1]
        servers.append((server, listener))
    try:
        yield Lab(
            target=servers[0][0],
            jump=servers[1][0],
            identity=identity,
            known_hosts=tmp_path / "ssh" / "known_hosts",
            other_key=asyncssh.generate_private_key("ssh-ed25519"),
        )
    finally:
        for _, listener in servers:
            listener.close()
            await listener.wait_closed()


async def reach(node: Node) -> None:
    """Connect as the console does: through a pool (which shares and checks jump hosts too)."""
    async with ConnectionPool().connection(node) as conn:
        assert not conn.is_closed()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("policy", POLICIES)
async def test_known_key_is_accepted_and_nothing_is_written(lab: Lab, policy: str) -> None:
    write(lab.known_hosts, lab.target.entry())
    await reach(lab.node(policy))
    assert lab.known_hosts.read_text() == lab.target.entry()
    assert lab.target.logins == 1


@pytest.mark.parametrize("policy", POLICIES)
async def test_changed_key_is_refused_naming_the_file_and_line(lab: Lab, policy: str) -> None:
    text = "# recorded earlier\n" + lab.target.entry(lab.other_key)
    write(lab.known_hosts, text)
    with pytest.raises(HostKeyError) as caught:
        await reach(lab.node(policy))
    message = str(caught.value)
    assert "CHANGED" in message
    assert f"[127.0.0.1]:{lab.target.port}" in message
    assert f"{lab.known_hosts} line 2" in message
    assert "ssh-keygen -R" in message
    assert "\n" not in message
    assert lab.known_hosts.read_text() == text  # the forged key is not added beside the old one


@pytest.mark.parametrize("policy", POLICIES)
async def test_revoked_key_is_refused(lab: Lab, policy: str) -> None:
    write(lab.known_hosts, "@revoked " + lab.target.entry())
    with pytest.raises(HostKeyError, match=r"^n: the host key of \[127\.0\.0\.1\]:\d+ .* revoked"):
        await reach(lab.node(policy))


async def test_unknown_key_is_refused_under_strict(lab: Lab) -> None:
    write(lab.known_hosts, "")
    with pytest.raises(HostKeyError, match=r"is not in .*accept-new"):
        await reach(lab.node("strict"))
    assert lab.known_hosts.read_text() == ""


async def test_unknown_key_is_recorded_under_accept_new_then_trusted_under_strict(
    lab: Lab,
) -> None:
    write(lab.known_hosts, "# mine\n127.0.0.2 " + lab.target.entry(lab.other_key).split(None, 1)[1])
    before = lab.known_hosts.read_text()
    await reach(lab.node("accept-new"))
    assert lab.known_hosts.read_text() == before + lab.target.entry()
    await reach(lab.node("accept-new"))  # now known: not recorded twice
    await reach(lab.node("strict"))  # the entry is one asyncssh itself trusts
    assert lab.known_hosts.read_text() == before + lab.target.entry()


async def test_concurrent_first_connections_record_the_key_once(lab: Lab) -> None:
    await asyncio.gather(reach(lab.node("accept-new")), reach(lab.node("accept-new")))
    assert lab.known_hosts.read_text() == lab.target.entry()


async def test_accept_new_hashes_when_the_file_does(lab: Lab) -> None:
    hashed = "|1|2a8jbXEzAF8Ls1NBHQ/cXdDp5sg=|Qx6I0mu3SB1Bg8N4HnrdTr1G0Lw= "
    write(lab.known_hosts, hashed + lab.target.entry(lab.other_key).split(None, 1)[1])
    await reach(lab.node("accept-new"))
    added = lab.known_hosts.read_text().splitlines()[-1]
    assert added.startswith("|1|")
    assert "127.0.0.1" not in added
    assert added.split()[1:] == lab.target.entry().split()[1:]
    await reach(lab.node("strict"))


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
@pytest.mark.parametrize("hashed", [False, True])
async def test_openssh_finds_what_accept_new_records(lab: Lab, hashed: bool) -> None:
    other = "|1|2a8jbXEzAF8Ls1NBHQ/cXdDp5sg=|Qx6I0mu3SB1Bg8N4HnrdTr1G0Lw=" if hashed else "x"
    write(lab.known_hosts, other + " " + lab.target.entry(lab.other_key).split(None, 1)[1])
    await reach(lab.node("accept-new"))
    found = await asyncio.to_thread(
        subprocess.run,
        ["ssh-keygen", "-F", f"[127.0.0.1]:{lab.target.port}", "-f", str(lab.known_hosts)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert lab.target.entry().split()[2] in found.stdout


async def test_missing_file_under_strict_says_so(lab: Lab) -> None:
    with pytest.raises(
        HostKeyError, match=rf"known_hosts file {re.escape(str(lab.known_hosts))} does not exist"
    ):
        await reach(lab.node("strict"))
    assert lab.target.logins == 0  # refused before dialling: not a network fault
    assert not lab.known_hosts.exists()


async def test_missing_file_under_accept_new_is_created(lab: Lab) -> None:
    await reach(lab.node("accept-new"))
    assert lab.known_hosts.read_text() == lab.target.entry()


@pytest.mark.parametrize("policy", POLICIES)
async def test_jump_and_target_known(lab: Lab, policy: str) -> None:
    write(lab.known_hosts, lab.jump.entry() + lab.target.entry())
    await reach(lab.node(policy, jump=True))
    assert lab.jump.forwarded == [lab.target.port]  # really went through the jump host
    assert lab.target.logins == 1


@pytest.mark.parametrize("policy", POLICIES)
async def test_changed_jump_key_is_refused_before_the_target(lab: Lab, policy: str) -> None:
    write(lab.known_hosts, lab.jump.entry(lab.other_key) + lab.target.entry())
    with pytest.raises(
        HostKeyError, match=rf"jump 127\.0\.0\.1.*CHANGED.*{re.escape(str(lab.known_hosts))} line 1"
    ):
        await reach(lab.node(policy, jump=True))
    assert lab.jump.forwarded == []
    assert lab.target.logins == 0


@pytest.mark.parametrize("policy", POLICIES)
async def test_changed_target_key_behind_a_jump_is_refused(lab: Lab, policy: str) -> None:
    text = lab.jump.entry() + lab.target.entry(lab.other_key)
    write(lab.known_hosts, text)
    with pytest.raises(
        HostKeyError, match=rf"^n: .*CHANGED.*{re.escape(str(lab.known_hosts))} line 2"
    ):
        await reach(lab.node(policy, jump=True))
    assert lab.jump.forwarded == [lab.target.port]
    assert lab.known_hosts.read_text() == text


async def test_unknown_jump_is_refused_under_strict(lab: Lab) -> None:
    write(lab.known_hosts, lab.target.entry())
    with pytest.raises(HostKeyError, match=r"jump 127\.0\.0\.1.*is not in"):
        await reach(lab.node("strict", jump=True))
    assert lab.jump.forwarded == []


async def test_unknown_jump_and_target_are_recorded_under_accept_new(lab: Lab) -> None:
    write(lab.known_hosts, "")
    await reach(lab.node("accept-new", jump=True))
    assert lab.known_hosts.read_text() == lab.jump.entry() + lab.target.entry()
    await reach(lab.node("strict", jump=True))
