"""SSH connections to nodes: one options object from the inventory, strict host keys, our errors.

asyncssh reads ~/.ssh/config itself (Host aliases, User, Port, IdentityFile, ProxyJump) and uses
the agent; the inventory's explicit settings win over it. Host keys are checked against
known_hosts (transport.hostkeys), the jump host's too; `accept-new` trusts an unknown host once
and records its key, but a key that *changed* is refused under every policy.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncssh

from kaconsole.core.inventory.model import Node
from kaconsole.errors import HostKeyError, SshError
from kaconsole.transport.hostkeys import HostKeys
from kaconsole.transport.remote_commands import as_privileged
from kaconsole.transport.runner import Completed

#: Seconds between keepalives, and how many may go unanswered before the link counts as dead:
#: without them a read on a dead link waits forever.
KEEPALIVE_INTERVAL = 5.0
KEEPALIVE_COUNT_MAX = 3
DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"


def known_hosts_path(node: Node) -> Path:
    return Path(os.path.expanduser(node.ssh.known_hosts or DEFAULT_KNOWN_HOSTS))


def connect_options(node: Node) -> dict[str, Any]:
    """asyncssh.connect keyword arguments for a node, but for host keys (see `connect_through`)."""
    s = node.ssh
    opts: dict[str, Any] = {
        "connect_timeout": s.connect_timeout,
        "login_timeout": s.connect_timeout * 2,
        "keepalive_interval": KEEPALIVE_INTERVAL,
        "keepalive_count_max": KEEPALIVE_COUNT_MAX,
    }
    if s.port != 22:  # 22 is the default: leave room for a Port in ~/.ssh/config
        opts["port"] = s.port
    if s.user:
        opts["username"] = s.user
    if s.identity_file:
        opts["client_keys"] = [s.identity_file]
    return opts


def jump_node(node: Node) -> Node | None:
    """The jump host as a node of its own: its address, with the node's keys and host key rules.

    `jump` is `[user@]host[:port]` like ssh's ProxyJump; the user defaults to the node's.
    """
    if not node.ssh.jump:
        return None
    user, _, hostport = node.ssh.jump.rpartition("@")
    host, _, port = hostport.partition(":")
    if hostport.startswith("["):  # [IPv6]:port
        host, _, port = hostport[1:].partition("]")
        port = port.lstrip(":")
    ssh = replace(
        node.ssh, jump=None, user=user or node.ssh.user, port=int(port) if port.isdigit() else 22
    )
    return replace(node, name=f"{node.name} (jump {host})", host=host, ssh=ssh)


async def connect_through(
    node: Node, tunnel: asyncssh.SSHClientConnection | None
) -> asyncssh.SSHClientConnection:
    """Open the node's connection, through `tunnel` (its jump host's connection) if given."""
    keys = HostKeys(
        node.name, known_hosts_path(node), accept_new=node.ssh.host_key_policy == "accept-new"
    )
    opts = connect_options(node)
    opts["known_hosts"] = keys.load()
    opts["client_factory"] = keys.client
    if tunnel is not None:
        opts["tunnel"] = tunnel
    try:
        return await asyncssh.connect(node.host, **opts)
    except asyncssh.HostKeyNotVerifiable as exc:  # refused by judge, or revoked in known_hosts
        raise HostKeyError(
            node.name, keys.refusal or f"the host key of {node.host} is refused: {exc.reason}"
        ) from None
    except asyncssh.PermissionDenied:
        who = node.ssh.user or "the default user"
        raise SshError(node.name, f"authentication as {who} refused by {node.host}") from None
    except TimeoutError:
        raise SshError(
            node.name, f"no answer from {node.host} within {node.ssh.connect_timeout:g} s"
        ) from None
    except asyncssh.Error as exc:
        raise SshError(node.name, f"SSH to {node.host} failed: {exc.reason}") from None
    except OSError as exc:
        raise SshError(node.name, f"cannot connect to {node.host}: {exc.strerror or exc}") from None


class SshRunner:
    """Runs commands over a node's connection (see transport.runner.Runner)."""

    def __init__(self, node: Node, conn: asyncssh.SSHClientConnection) -> None:
        self.node = node.name
        self._node = node
        self._conn = conn

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        line = as_privileged(self._node, command) if privileged else command
        start = time.monotonic()
        try:
            result = await self._conn.run(line, check=False, timeout=timeout)
        except asyncssh.TimeoutError as exc:
            return Completed(
                command, None, _text(exc.stdout), _text(exc.stderr), time.monotonic() - start, True
            )
        except (asyncssh.Error, OSError) as exc:
            return Completed(
                command,
                None,
                "",
                "",
                time.monotonic() - start,
                error=f"{type(exc).__name__}: {exc}",
            )
        return Completed(
            command,
            result.exit_status,
            _text(result.stdout),
            _text(result.stderr),
            time.monotonic() - start,
        )


def _text(data: object) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data if isinstance(data, str) else ""
