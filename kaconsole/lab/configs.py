"""Pure text generation for the lab: addresses, keepalived/nginx/sshd configs and the cluster file.

Everything here is deterministic from a `LabSpec`, so unit tests check the exact text and
`keepalived -t` can vouch for it. Addresses come from RFC 2544's benchmarking range, 198.18.0.0/15
(by default management 198.18.1.0/24, service 198.18.2.0/24; `--mgmt-net`, `--svc-net` move
them within it; a named lab takes the next free pair, `slot_nets`). Not the RFC 5737
documentation ranges: on CI machines like ours 192.0.2.0/24 is the uplink and 203.0.113.0/24
holds the package registries; `lab up` refuses any subnet the host already uses (`hostnet`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network, ip_network
from pathlib import Path
from typing import Any

import yaml

from kaconsole.lab.names import LabNames, name_problem

#: The only range lab subnets may come from (RFC 2544 benchmarking: never a real network).
LAB_RANGE = IPv4Network("198.18.0.0/15")
DEFAULT_MGMT_NET = "198.18.1.0/24"
DEFAULT_SVC_NET = "198.18.2.0/24"
#: Host .1, nodes .11.., VIPs .100..: a subnet needs at least 128 addresses.
MAX_PREFIXLEN = 25
MGMT_IF = "eth0"
SVC_IF = "eth1"
FIRST_VRID = 51
MAX_NODES = 6
MAX_INSTANCES = 8
#: A named lab's first VRID: none of the default lab's (51..58), so the two never read alike.
NAMED_FIRST_VRID = FIRST_VRID + MAX_INSTANCES
TRACK_INTERVAL = 1
TRACK_WEIGHT = -20
SCRIPT_PATH = "/etc/keepalived/check_nginx.sh"
LOG_PATH = "/var/log/keepalived.log"
KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf"
#: Where a node running another version is told to write its JSON dump (`json_dump_file`), in
#: the `json_version 2` layout: what a console must find whatever the node's version does.
MOVED_JSON_DUMP = "/run/keepalived.json"
#: Maintenance mode: keepalived adds MAINTENANCE_WEIGHT x the number in this file to the priority.
MAINTENANCE_FILE = "/etc/keepalived/maintenance"
MAINTENANCE_WEIGHT = -10

#: Service commands, run inside a node (over SSH, or by the lab through nsenter).
#: keepalived has no log-file option in 2.2.7: `-l` writes console-format lines to stderr, which
#: we append to the log file; `setsid -f` detaches it from the SSH session. Stops are
#: asynchronous, so restarts wait for the old processes to be gone before starting again.
_KEEPALIVED_START = f"setsid -f keepalived -n -l -D -G >>{LOG_PATH} 2>&1 </dev/null"


def _restart(stop: str, name: str, start: str) -> str:
    return f"{stop}; while pgrep -x {name} >/dev/null; do sleep 0.1; done; {start}"


SERVICES: dict[str, dict[str, str]] = {
    "nginx": {
        "start": "nginx",
        "stop": "nginx -s stop",
        "status": "pgrep -x nginx",
        "restart": _restart("nginx -s stop", "nginx", "nginx"),
    },
    "keepalived": {
        "start": _KEEPALIVED_START,
        "stop": "kill $(cat /run/keepalived.pid)",
        "status": "pgrep -x keepalived",
        "restart": _restart("kill $(cat /run/keepalived.pid)", "keepalived", _KEEPALIVED_START),
    },
    "sshd": {
        "start": "/usr/sbin/sshd",
        "stop": "kill $(cat /run/sshd.pid)",
        "status": "test -e /run/sshd.pid && kill -0 $(cat /run/sshd.pid)",
    },
}

def host_address(net: str, number: int) -> str:
    """The `number`th address of a lab subnet (1: the host's bridge, 11..: nodes, 100..: VIPs)."""
    return str(IPv4Network(net).network_address + number)


def slot_nets(slot: int) -> tuple[str, str]:
    """The management and service /24s of slot `slot` of the lab range: slot 0 is the default
    lab's (198.18.1.0/24, 198.18.2.0/24), slot 1 198.18.3.0/24 and 198.18.4.0/24, and so on."""
    first = LAB_RANGE.network_address + (2 * slot + 1) * 256
    return f"{first}/24", f"{first + 256}/24"


#: Slots 1.. to place named labs in: their two /24s (2k+1, 2k+2) stay inside LAB_RANGE.
NAMED_SLOTS = range(1, (LAB_RANGE.num_addresses // 256 - 1) // 2)


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """One lab node: its name, index (1-based), addresses and base priority."""

    index: int
    mgmt_net: str = DEFAULT_MGMT_NET
    svc_net: str = DEFAULT_SVC_NET
    keepalived: str | None = None
    """Another keepalived version for this node (a `lab build`), None: the distribution's."""
    lab: str | None = None
    """The lab's name (None: the default lab)."""

    @property
    def name(self) -> str:
        return f"node{self.index}"

    @property
    def netns(self) -> str:
        return LabNames(self.lab).netns(self.name)

    @property
    def mgmt_ip(self) -> str:
        return host_address(self.mgmt_net, 10 + self.index)

    @property
    def svc_ip(self) -> str:
        return host_address(self.svc_net, 10 + self.index)

    @property
    def host_mgmt_veth(self) -> str:
        return LabNames(self.lab).veth(self.index, "m")

    @property
    def host_svc_veth(self) -> str:
        return LabNames(self.lab).veth(self.index, "s")

    @property
    def priority(self) -> int:
        """120 for node1 (the reference MASTER), then 100, 80, ... (the reference BACKUP first)."""
        return 120 - 20 * (self.index - 1)


@dataclass(frozen=True, slots=True)
class LabSpec:
    """What `lab up` builds. `password` is the PASS secret: never print it."""

    nodes: int = 2
    instances: int = 1
    vrrp_version: int = 2
    unicast: bool = False
    password: str = "labpass1"
    mgmt_net: str = DEFAULT_MGMT_NET
    svc_net: str = DEFAULT_SVC_NET
    keepalived: dict[str, str] = field(default_factory=dict)
    """Node name -> keepalived version built by `lab build` (others run the distribution's)."""
    name: str | None = None
    """A named lab runs beside the default one (None): its own names, directory, VRIDs."""

    @property
    def names(self) -> LabNames:
        return LabNames(self.name)

    @property
    def first_vrid(self) -> int:
        return FIRST_VRID if self.name is None else NAMED_FIRST_VRID

    def node_specs(self) -> list[NodeSpec]:
        return [
            NodeSpec(i, self.mgmt_net, self.svc_net, self.keepalived.get(f"node{i}"), self.name)
            for i in range(1, self.nodes + 1)
        ]

    @property
    def host_mgmt_ip(self) -> str:
        return host_address(self.mgmt_net, 1)

    @property
    def host_svc_ip(self) -> str:
        return host_address(self.svc_net, 1)

    def instance_names(self) -> list[str]:
        """VI_CLUSTER as in the reference, then VI_CLUSTER_2, VI_CLUSTER_3, ..."""
        return ["VI_CLUSTER" if k == 0 else f"VI_CLUSTER_{k + 1}" for k in range(self.instances)]

    def vips(self) -> list[str]:
        """Instance k (0-based) has VRID first_vrid + k and VIP .(100 + k) of the service
        subnet."""
        return [host_address(self.svc_net, 100 + k) for k in range(self.instances)]

    def validate(self) -> list[str]:
        """Problems with the spec, as messages naming the option."""
        problems = []
        name = None if self.name is None else name_problem(self.name)
        if name:
            problems.append(f"--name {self.name}: {name}")
        if not 1 <= self.nodes <= MAX_NODES:
            problems.append(f"--nodes must be 1..{MAX_NODES}")
        if not 1 <= self.instances <= MAX_INSTANCES:
            problems.append(f"--instances must be 1..{MAX_INSTANCES}")
        if self.vrrp_version not in (2, 3):
            problems.append("--vrrp-version must be 2 or 3")
        nets = []
        for option, text in (("--mgmt-net", self.mgmt_net), ("--svc-net", self.svc_net)):
            problem = _net_problem(text)
            if problem:
                problems.append(f"{option} {text}: {problem}")
            else:
                nets.append(IPv4Network(text))
        if len(nets) == 2 and nets[0].overlaps(nets[1]):
            problems.append("--mgmt-net and --svc-net must not overlap")
        names = {n.name for n in self.node_specs()}
        for node, version in sorted(self.keepalived.items()):
            if node not in names:
                problems.append(f"--keepalived {node}={version}: no such node "
                                f"(nodes: {', '.join(sorted(names))})")
        return problems


def _net_problem(text: str) -> str | None:
    """Why `text` cannot be a lab subnet, or None."""
    try:
        net = ip_network(text)
    except ValueError:
        return "not an IPv4 subnet with its prefix length (e.g. 198.18.1.0/24)"
    if not isinstance(net, IPv4Network) or not net.subnet_of(LAB_RANGE):
        return f"must lie inside {LAB_RANGE} (RFC 2544, never a real network)"
    if net.prefixlen > MAX_PREFIXLEN:
        return f"too small: at most /{MAX_PREFIXLEN} (nodes are .11.., VIPs .100..)"
    return None


def keepalived_conf(spec: LabSpec, node: NodeSpec) -> str:
    """The reference configuration, made to work: no vrrp_strict (its no_accept firewall would
    drop HTTP to the VIP), no garp/gna interval 0 (2.2.7 rejects it), script security on.
    A node on another keepalived also gets the newer dump settings (`json_version 2` and a moved
    `json_dump_file`), as an upgraded node would."""
    lines = [
        "# generated by `kaconsole lab up`: the reference deployment (REFERENCE.md), working",
        "global_defs {",
        f"   router_id LAB_{node.name.upper()}",
        "   vrrp_skip_check_adv_addr",
        "   enable_script_security",
        "   script_user root",
    ]
    if spec.vrrp_version == 3:
        lines.append("   vrrp_version 3")
    if node.keepalived is not None:
        lines += ["   json_version 2", f"   json_dump_file {MOVED_JSON_DUMP}"]
    lines += [
        "}",
        "",
        "vrrp_script monitor_nginx {",
        f'   script "{SCRIPT_PATH}"',
        f"   interval {TRACK_INTERVAL}",
        f"   weight {TRACK_WEIGHT}",
        "}",
        "",
        "vrrp_track_file maintenance {",
        f'   file "{MAINTENANCE_FILE}"',
        f"   weight {MAINTENANCE_WEIGHT}",
        "   init_file 0",
        "}",
    ]
    peers = [n for n in spec.node_specs() if n.index != node.index]
    for k, (name, vip) in enumerate(zip(spec.instance_names(), spec.vips(), strict=True)):
        lines += [
            "",
            f"vrrp_instance {name} {{",
            f"    state {'MASTER' if node.index == 1 else 'BACKUP'}",
            f"    interface {SVC_IF}",
            f"    virtual_router_id {spec.first_vrid + k}",
            f"    priority {node.priority}",
            "    advert_int 1",
        ]
        if spec.vrrp_version == 2:  # keepalived refuses authentication with VRRPv3
            lines += [
                "    authentication {",
                "        auth_type PASS",
                f"        auth_pass {spec.password}",
                "    }",
            ]
        if spec.unicast and peers:
            lines.append(f"    unicast_src_ip {node.svc_ip}")
            lines.append("    unicast_peer {")
            lines += [f"        {p.svc_ip}" for p in peers]
            lines.append("    }")
        lines += [
            "    virtual_ipaddress {",
            f"        {vip}/{IPv4Network(spec.svc_net).prefixlen} dev {SVC_IF}",
            "    }",
            "    track_script {",
            "        monitor_nginx",
            "    }",
            "    track_file {",
            "        maintenance",
            "    }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def check_script() -> str:
    """The reference check: when nginx is gone, stop keepalived on this node (exit status 0
    either way, as the reference's, so the weight never applies; the stop does the failover)."""
    return (
        "#!/bin/sh\n"
        "# reference semantics (REFERENCE.md): no nginx -> stop keepalived on this node\n"
        "if ! pgrep -x nginx >/dev/null; then\n"
        "    kill $(cat /run/keepalived.pid)\n"
        "fi\n"
    )


def nginx_conf(node: NodeSpec) -> str:
    """nginx answering the node's own name on every address (its service IP and the VIP)."""
    return (
        "worker_processes 1;\n"
        "pid /run/nginx.pid;\n"
        "error_log /var/log/nginx/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    access_log /var/log/nginx/access.log;\n"
        "    server {\n"
        "        listen 80 default_server;\n"
        "        location / {\n"
        "            default_type text/plain;\n"
        f'            return 200 "{node.name}\\n";\n'
        "        }\n"
        "    }\n"
        "}\n"
    )


def sshd_config(node: NodeSpec) -> str:
    """sshd on the management address only, key login for root, no PAM (no systemd/logind).

    The authorized key lives under the node's private /etc/ssh, so root's real home is untouched
    and StrictModes finds only root-owned, non-writable directories on the way."""
    return (
        f"ListenAddress {node.mgmt_ip}\n"
        "Port 22\n"
        "HostKey /etc/ssh/ssh_host_ed25519_key\n"
        "PidFile /run/sshd.pid\n"
        "PermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "PrintMotd no\n"
        "AuthorizedKeysFile /etc/ssh/authorized_keys/%u\n"
        "Subsystem sftp internal-sftp\n"
    )


def known_hosts(host_keys: dict[str, str]) -> str:
    """known_hosts lines from {management address: "ssh-ed25519 AAAA..."}."""
    return "".join(f"{host} {key.strip()}\n" for host, key in host_keys.items())


def cluster_document(spec: LabSpec, lab_dir: Path) -> dict[str, Any]:
    """The cluster file (CONTRACTS.md section 1) describing the lab; its `lab` key lets every
    command refuse it at once while this lab is down (CONTRACTS.md section 10), and names a
    named lab (`name`), for the message that says how to bring it back."""
    services = {name: dict(cmds) for name, cmds in SERVICES.items() if name != "sshd"}
    version = f"VRRPv{spec.vrrp_version}{', unicast' if spec.unicast else ''}"
    version += "".join(f", keepalived {v} on {n}" for n, v in sorted(spec.keepalived.items()))
    lab = {"dir": str(lab_dir)} | ({} if spec.name is None else {"name": spec.name})
    return {
        "name": spec.names.cluster_name,
        "description": f"kaconsole {spec.names.label}: {spec.nodes} nodes, "
        f"{spec.instances} instance(s), {version}",
        "ssh": {
            "user": "root",
            "port": 22,
            "identity_file": str(lab_dir / "id_ed25519"),
            "known_hosts": str(lab_dir / "known_hosts"),
            "host_key_policy": "strict",
            "connect_timeout": 5,
        },
        "services": services,
        "logs": {"source": "file", "path": LOG_PATH},
        "capture": {"interface": SVC_IF},
        "keepalived_conf": KEEPALIVED_CONF,
        "vip_probe": {"url": f"http://{spec.vips()[0]}/"},
        "nodes": [{"name": n.name, "host": n.mgmt_ip} for n in spec.node_specs()],
        "lab": lab,
    }


def cluster_yaml(spec: LabSpec, lab_dir: Path) -> str:
    return yaml.safe_dump(cluster_document(spec, lab_dir), sort_keys=False, width=100)
