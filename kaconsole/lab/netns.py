"""Namespaces, bridges, veths and addresses of the lab, and the removal of their leftovers.

Only names a lab owns (`names`: `kclab*` for the default lab, `kcl-NAME-*` for a named one) are
ever created or removed, each lab only its own; other namespaces on the host (for example other
tools' `kcs-*`) are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from ipaddress import IPv4Network

from kaconsole.errors import LabError
from kaconsole.lab.configs import MGMT_IF, SVC_IF, LabSpec, NodeSpec
from kaconsole.lab.names import LabNames, any_lab

Owns = Callable[[str], bool]


def run(argv: Sequence[str], *, check: bool = True, timeout: float = 10.0) -> str:
    """Run a host command; on failure raise LabError naming the command and its stderr."""
    try:
        proc = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise LabError(f"{argv[0]} is needed and was not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"`{' '.join(argv)}` did not finish in {timeout:.0f} s") from exc
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise LabError(f"`{' '.join(argv)}` failed: {detail[-1] if detail else proc.returncode}")
    return proc.stdout


def lab_namespaces(owns: Owns = any_lab) -> list[str]:
    """Names of existing network namespaces created by a lab (`owns`: by one lab; any lab's)."""
    out = run(["ip", "-j", "netns", "list"], check=False).strip()
    entries = json.loads(out) if out else []
    return [e["name"] for e in entries if owns(str(e.get("name", "")))]


def lab_links(owns: Owns = any_lab) -> list[str]:
    """Host interfaces created by a lab (bridges and host ends of veths)."""
    out = run(["ip", "-j", "link", "show"], check=False).strip()
    entries = json.loads(out) if out else []
    return [e["ifname"] for e in entries if owns(str(e.get("ifname", "")))]


def namespace_pids(netns: str) -> list[int]:
    out = run(["ip", "netns", "pids", netns], check=False)
    return [int(tok) for tok in out.split() if tok.isdigit()]


def kill_pids(pids: Sequence[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def remove_leftovers(names: LabNames) -> list[str]:
    """Kill every process in one lab's namespaces, then delete its namespaces and links.

    Works from names alone, so it also cleans up after a crashed or killed `lab up`."""
    removed = []
    for netns in lab_namespaces(names.owns):
        kill_pids(namespace_pids(netns))
        run(["ip", "netns", "del", netns], check=False)
        removed.append(f"namespace {netns}")
    for link in lab_links(names.owns):
        run(["ip", "link", "del", link], check=False)
        removed.append(f"link {link}")
    return removed


def _prefix(net: str) -> int:
    return IPv4Network(net).prefixlen


def create_bridges(spec: LabSpec) -> None:
    bridges = ((spec.names.mgmt_bridge, spec.host_mgmt_ip, spec.mgmt_net),
               (spec.names.svc_bridge, spec.host_svc_ip, spec.svc_net))
    for bridge, address, net in bridges:
        run(["ip", "link", "add", bridge, "type", "bridge"])
        run(["ip", "addr", "add", f"{address}/{_prefix(net)}", "dev", bridge])
        run(["ip", "link", "set", bridge, "up"])


def create_node_network(node: NodeSpec) -> None:
    """The node's namespace with eth0 (management) and eth1 (service), each a veth to a bridge."""
    ns, names = node.netns, LabNames(node.lab)
    run(["ip", "netns", "add", ns])
    links = (
        (node.host_mgmt_veth, MGMT_IF, names.mgmt_bridge,
         f"{node.mgmt_ip}/{_prefix(node.mgmt_net)}"),
        (node.host_svc_veth, SVC_IF, names.svc_bridge, f"{node.svc_ip}/{_prefix(node.svc_net)}"),
    )
    for host_end, inner, bridge, address in links:
        run(["ip", "link", "add", host_end, "type", "veth", "peer", "name", inner, "netns", ns])
        run(["ip", "link", "set", host_end, "master", bridge, "up"])
        run(["ip", "-n", ns, "addr", "add", address, "dev", inner])
        run(["ip", "-n", ns, "link", "set", inner, "up"])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])
