"""`lab up`, `lab down` and `lab status`: the lab's life cycle."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import string
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from kaconsole.errors import LabError
from kaconsole.lab import build, configs, hostnet, netns, nodes
from kaconsole.lab.configs import LabSpec, NodeSpec
from kaconsole.lab.names import LabNames
from kaconsole.lab.registry import LabState, NodeState, load, save, state_path

#: Host tools the lab needs, with the Debian package that provides each.
TOOLS = {
    "ip": "iproute2",
    "ss": "iproute2",
    "nft": "nftables",
    "unshare": "util-linux",
    "nsenter": "util-linux",
    "setsid": "util-linux",
    "mount": "mount",
    "pgrep": "procps",
    "keepalived": "keepalived",
    "nginx": "nginx-light",
    "sshd": "openssh-server",
    "ssh-keygen": "openssh-client",
}
UP_TIMEOUT = 9.0


def preflight() -> None:
    """Refuse early, with one line that says what is needed."""
    if not sys.platform.startswith("linux"):
        raise LabError("the lab needs Linux (network, pid, mount and UTS namespaces)")
    if os.geteuid() != 0:
        raise LabError("the lab needs root (it creates namespaces, bridges and mounts): use sudo")
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = sorted({pkg for tool, pkg in TOOLS.items() if not shutil.which(tool, path=path)})
    if missing:
        raise LabError(f"the lab needs these Debian packages: apt-get install {' '.join(missing)}")


def _password() -> str:
    """A short PASS secret (keepalived uses at most 8 characters)."""
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def down(lab_dir: Path, name: str | None = None) -> list[str]:
    """Remove the lab called `name` (None: the default lab), and any leftover of an earlier one
    of that name, found by name, never from the state file alone; other labs stay untouched.
    Returns what was removed."""
    _same_lab(lab_dir, name)
    names = LabNames(name)
    inits = nodes.running_inits(names.owns)
    netns.kill_pids(inits)  # SIGKILL to a node's init ends its whole pid namespace
    removed = netns.remove_leftovers(names)
    _wait_gone(inits)
    state_path(lab_dir).unlink(missing_ok=True)
    return removed


def _same_lab(lab_dir: Path, name: str | None) -> None:
    """Refuse to act on `lab_dir` as lab `name` while it holds another lab's state: that lab
    would be left running with no state to take it down by."""
    state = load(lab_dir)
    if state is not None and state.name != name:
        held = "the default lab" if state.name is None else f"lab {state.name}"
        raise LabError(f"{lab_dir} holds {held}: give its --name, or another --dir")


def _wait_gone(pids: list[int], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while any(nodes.is_node_init(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


def up(lab_dir: Path, spec: LabSpec, *, place: bool = False) -> LabState:
    """Build the lab; on any failure tear down what was built and raise LabError. `place`: a
    named lab takes the first free pair of slot subnets (`configs.slot_nets`) instead of the
    spec's."""
    preflight()
    problems = spec.validate()
    if problems:
        raise LabError("; ".join(problems))
    binaries = _keepalived_builds(spec)
    spec = replace(spec, password=_password())
    deadline = time.monotonic() + UP_TIMEOUT
    lab_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    down(lab_dir, spec.name)
    if place:
        spec = _placed(spec)
    hostnet.check_free((spec.mgmt_net, spec.svc_net), spec.names.owns)
    shutil.rmtree(lab_dir / "nodes", ignore_errors=True)
    state = LabState(
        dir=str(lab_dir), nodes=spec.nodes, instances=spec.instances,
        vrrp_version=spec.vrrp_version, unicast=spec.unicast, vips=spec.vips(),
        cluster_file=str(lab_dir / "cluster.yaml"),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        mgmt_net=spec.mgmt_net, svc_net=spec.svc_net, keepalived=dict(spec.keepalived),
        name=spec.name,
    )  # fmt: skip
    try:
        _build(lab_dir, spec, state, binaries, deadline)
    except BaseException:
        down(lab_dir, spec.name)
        raise
    return state


def _placed(spec: LabSpec) -> LabSpec:
    if spec.name is None:
        raise LabError("the default lab has fixed subnets: only a named lab is placed")
    pair = hostnet.first_free(map(configs.slot_nets, configs.NAMED_SLOTS), hostnet.read_facts(),
                              spec.names.owns)
    if pair is None:
        raise LabError(f"no free pair of /24s left in {configs.LAB_RANGE} for lab {spec.name}: "
                       "take another lab down, or give --mgmt-net and --svc-net")
    return replace(spec, mgmt_net=pair[0], svc_net=pair[1])


def _keepalived_builds(spec: LabSpec) -> dict[str, Path]:
    """Node name -> the keepalived binary it runs instead of the distribution's; refuses a
    version not built yet (building takes minutes: never inside `lab up`)."""
    binaries = {}
    for node, version in sorted(spec.keepalived.items()):
        if not build.valid_version(version):
            raise LabError(f"--keepalived {node}={version}: expected a version like 2.3.3")
        path = build.built(version)
        if path is None:
            raise LabError(f"keepalived {version} is not built: run `kaconsole lab build "
                           f"{version}` first (a few minutes, once)")
        binaries[node] = path
    return binaries


def _build(lab_dir: Path, spec: LabSpec, state: LabState, binaries: dict[str, Path],
           deadline: float) -> None:
    client_pub = nodes.generate_key(lab_dir / "id_ed25519", spec.names.cluster_name)
    netns.create_bridges(spec)
    host_keys: dict[str, str] = {}
    for node in spec.node_specs():
        netns.create_node_network(node)
        host_keys[node.mgmt_ip] = nodes.prepare_node(lab_dir, spec, node, client_pub)
        unshare_pid, init_pid = nodes.start_init(lab_dir, node, deadline,
                                                 binaries.get(node.name))
        state.node_states.append(
            NodeState(node.name, node.netns, node.mgmt_ip, node.svc_ip, init_pid, unshare_pid)
        )
        save(state)
    for node_state in state.node_states:
        for service in ("sshd", "nginx", "keepalived"):
            nodes.start_service(node_state.init_pid, node_state.name, service)
    (lab_dir / "known_hosts").write_text(configs.known_hosts(host_keys))
    Path(state.cluster_file).write_text(configs.cluster_yaml(spec, lab_dir))
    _wait_ready(spec, deadline)


def _wait_ready(spec: LabSpec, deadline: float) -> None:
    """Poll real evidence: sshd accepts, nginx answers its name, each VIP is on exactly one node."""
    pending: dict[str, Callable[[], bool]] = {}
    node_specs = spec.node_specs()
    for node in node_specs:
        pending[f"{node.name} sshd"] = partial(_tcp_open, node.mgmt_ip, 22)
        pending[f"{node.name} nginx"] = partial(_answers, f"http://{node.svc_ip}/", node.name)
    for vip in spec.vips():
        pending[f"VIP {vip} on one node"] = partial(_held_once, node_specs, vip)
    while pending:
        for name in [name for name, ready in pending.items() if ready()]:
            del pending[name]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise LabError(f"the lab did not get ready in time: waiting for {', '.join(pending)}")
        time.sleep(0.05)


def _answers(url: str, name: str) -> bool:
    return _http_text(url) == f"{name}\n"


def _held_once(node_specs: list[NodeSpec], vip: str) -> bool:
    return len(vip_holders(node_specs, vip)) == 1


def _tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _http_text(url: str, timeout: float = 1.0) -> str | None:
    """GET `url` straight (never through a proxy from the environment)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as resp:
            return str(resp.read().decode(errors="replace"))
    except OSError:
        return None


def node_addresses(netns_name: str, interface: str = configs.SVC_IF) -> list[str]:
    out = netns.run(["ip", "-n", netns_name, "-j", "addr", "show", "dev", interface], check=False)
    entries = json.loads(out) if out.strip() else []
    return [a["local"] for e in entries for a in e.get("addr_info", []) if "local" in a]


class _InNamespace(Protocol):
    """A node as `NodeSpec` (to be built) or `NodeState` (running) describes it."""

    @property
    def name(self) -> str: ...

    @property
    def netns(self) -> str: ...


def vip_holders(lab_nodes: Iterable[_InNamespace], vip: str) -> list[str]:
    return [n.name for n in lab_nodes if vip in node_addresses(n.netns)]


def status(lab_dir: Path, name: str | None = None) -> dict[str, Any]:
    """What runs in the lab now, from the nodes themselves (never from the state file alone);
    with no lab in `lab_dir`, the leftovers of lab `name`."""
    state = load(lab_dir)
    if state is None:
        return {"dir": str(lab_dir), "name": name, "up": False, "nodes": [],
                "leftovers": _leftovers(LabNames(name))}
    report_nodes = []
    for node in state.node_states:
        running = nodes.is_node_init(node.init_pid)
        services = {
            name: (
                ("running" if nodes.service(node.init_pid, name, "status").returncode == 0
                 else "stopped") if running else "unknown"
            )
            for name in ("sshd", "nginx", "keepalived")
        }  # fmt: skip
        addresses = node_addresses(node.netns) if running else []
        report_nodes.append({
            "name": node.name, "netns": node.netns, "mgmt_ip": node.mgmt_ip,
            "svc_ip": node.svc_ip, "running": running, "services": services,
            "vips": [v for v in state.vips if v in addresses], "faults": node.faults,
            "keepalived_version": _node_keepalived_version(node.init_pid) if running else None,
        })  # fmt: skip
    return {
        "dir": str(lab_dir), "name": state.name,
        "up": bool(report_nodes) and all(n["running"] for n in report_nodes),
        "cluster_file": state.cluster_file, "created_at": state.created_at,
        "nodes_count": state.nodes, "instances": state.instances,
        "vrrp_version": state.vrrp_version, "unicast": state.unicast, "vips": state.vips,
        "mgmt_net": state.mgmt_net, "svc_net": state.svc_net,
        "nodes": report_nodes, "leftovers": [],
    }  # fmt: skip


def _node_keepalived_version(init_pid: int) -> str | None:
    """What `keepalived --version` says inside the node (another build is mounted over it)."""
    result = nodes.node_exec(init_pid, "keepalived --version")
    return build.parse_version(result.stderr + result.stdout)


def _leftovers(names: LabNames) -> list[str]:
    return [f"namespace {n}" for n in netns.lab_namespaces(names.owns)] + [
        f"link {link}" for link in netns.lab_links(names.owns)
    ]
