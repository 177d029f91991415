"""The cluster inventory's records (CONTRACTS.md section 1): what a cluster file says, frozen."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

HostKeyPolicy = Literal["strict", "accept-new"]
ServiceAction = Literal["start", "stop", "restart", "status"]

DEFAULT_KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf"
MAX_FILE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class SshSettings:
    """How to reach one node: the cluster's `ssh` defaults merged with the node's override."""

    user: str | None = None
    """Login name; None leaves it to ~/.ssh/config, then the local user."""
    port: int = 22
    identity_file: str | None = None
    """Private key path, expanded (see the module docstring); None: agent and ~/.ssh/config."""
    known_hosts: str | None = None
    """Known-hosts file, expanded; None: the SSH library's default (~/.ssh/known_hosts)."""
    host_key_policy: HostKeyPolicy = "strict"
    """strict: unknown keys are refused; accept-new: trusted on first use and recorded."""
    jump: str | None = None
    """A jump host, like ssh's ProxyJump ([user@]host[:port])."""
    sudo: bool = False
    """Run privileged commands as `sudo -n ...`."""
    connect_timeout: float = 5.0
    """Seconds to wait for the connection and authentication."""


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """How to start, stop, restart and query one service: a systemd unit or explicit commands."""

    name: str
    unit: str | None = None
    """The systemd unit; when set the commands are `systemctl ...` and the fields below are None."""
    start: str | None = None
    stop: str | None = None
    status: str | None = None
    """Shell command whose exit status 0 means running."""
    restart: str | None = None
    """Optional; without it a restart is the stop command, then the start command."""

    def command(self, action: ServiceAction) -> str:
        """The shell command for `action` (without sudo: the transport adds it)."""
        if self.unit is not None:
            verb = "is-active" if action == "status" else action
            return f"systemctl {verb} {shlex.quote(self.unit)}"
        if action == "restart" and self.restart is None:
            return f"{self.stop}; {self.start}"
        command = {"start": self.start, "stop": self.stop,
                   "status": self.status, "restart": self.restart}[action]
        assert command is not None  # explicit specs always have start, stop and status
        return command


@dataclass(frozen=True, slots=True)
class LogSpec:
    """Where keepalived's log is read from."""

    source: Literal["journal", "file"] = "journal"
    path: str | None = None
    """The log file, with source file (followed with tail -F)."""
    unit: str = "keepalived"
    """The journal unit, with source journal: the keepalived service's unit unless given."""


@dataclass(frozen=True, slots=True)
class CaptureSpec:
    """Where VRRP adverts are captured with tcpdump."""

    interface: str = "any"
    """A network interface, or `any` (the default) for all of them."""


@dataclass(frozen=True, slots=True)
class VipProbe:
    """An HTTP GET through the VIP from the console's host, to see what clients see."""

    url: str
    timeout: float = 1.0
    """Seconds before one probe counts as failed."""


@dataclass(frozen=True, slots=True)
class Node:
    """One keepalived node; every setting already merged with the cluster's defaults."""

    name: str
    """Unique in the cluster; used in keys, reports and the audit log."""
    host: str
    ssh: SshSettings
    services: Mapping[str, ServiceSpec]
    logs: LogSpec
    capture: CaptureSpec
    keepalived_conf: str


@dataclass(frozen=True, slots=True)
class Cluster:
    """A cluster file, validated: the nodes in file order and the cluster-wide defaults."""

    name: str
    nodes: tuple[Node, ...]
    description: str = ""
    ssh: SshSettings = field(default_factory=SshSettings)
    """The cluster-wide defaults (each node holds its merged settings)."""
    services: Mapping[str, ServiceSpec] = field(default_factory=dict)
    logs: LogSpec = field(default_factory=LogSpec)
    capture: CaptureSpec = field(default_factory=CaptureSpec)
    keepalived_conf: str = DEFAULT_KEEPALIVED_CONF
    vip_probe: VipProbe | None = None
    path: str = "<string>"
    lab_dir: str | None = None
    """Set in a file `kaconsole lab up` wrote (`lab: {dir: ...}`): the lab's directory, whose
    state says whether the lab is up (a lab cluster file is refused while it is down)."""
    lab_name: str | None = None
    """A named lab's name (`lab: {name: ...}`), for the message that says how to bring it up."""
    read_only: bool = False
    """`read_only: true`: no action or drill runs on this cluster, whatever the command line
    says (a production site watched from a fleet console, not touched from it)."""

    def node(self, name: str) -> Node:
        """The node called `name`; KeyError when there is none."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)


