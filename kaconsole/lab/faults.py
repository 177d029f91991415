"""Faults for drills and tests, each with its heal, applied inside one node.

Active faults are recorded in the lab state, so `lab heal NODE` works from another process and
`lab status` shows them.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from kaconsole.errors import LabError
from kaconsole.lab import configs, nodes
from kaconsole.lab.registry import LabState, load, save

FLOOD_PID = "/run/kclab-flood.pid"
#: A real keepalived 2.x message, repeated at about 10000 lines/s, at most 300000 lines.
FLOOD_LINE = "bogus VRRP packet received on eth1 !!!"
#: A plain shell loop: the console's own Python may live under /tmp (a CI checkout), which a
#: node hides behind its own /tmp.
FLOOD_WRITER = (
    f"echo $$ > {FLOOD_PID}; i=0; while [ $i -lt 1500 ]; do "
    f"stamp=$(date '+%a %b %d %H:%M:%S %Y'); "
    f"yes \"$stamp: {FLOOD_LINE}\" | head -n 200 >> {configs.LOG_PATH}; "
    "sleep 0.02; i=$((i+1)); done"
)


def _nft_block(table: str, hooks: tuple[str, ...]) -> str:
    """Drop IP protocol 112 (VRRP) on the given netfilter hooks, in a table of the node's own."""
    commands = [f"nft add table inet {table}"]
    for hook in hooks:
        commands.append(
            f"nft add chain inet {table} {hook} "
            f"'{{ type filter hook {hook} priority 0; policy accept; }}'"
        )
        commands.append(f"nft add rule inet {table} {hook} ip protocol 112 drop")
    return " && ".join(commands)


#: Stands for the lab's VIPs in a fault's commands (an nft set's elements).
VIPS = "$VIPS"
_GARP_CHAIN = (
    f"'{{ type filter hook egress device {configs.SVC_IF} priority 0; policy accept; }}'"
)


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault kind: shell command lines run inside the node to apply and to heal it."""

    kind: str
    description: str
    apply: str
    heal: str


_KEEPALIVED = configs.SERVICES["keepalived"]
_SSHD = configs.SERVICES["sshd"]
FAULTS = {
    f.kind: f
    for f in (
        Fault(
            "vrrp-block",
            "drop VRRP in and out of the node (nftables): it and its peers both go MASTER",
            _nft_block("kclab_block", ("input", "output")),
            "nft delete table inet kclab_block",
        ),
        Fault(
            "vrrp-deaf",
            "drop VRRP into the node (nftables): on a BACKUP, split brain with two advert sources",
            _nft_block("kclab_deaf", ("input",)),
            "nft delete table inet kclab_deaf",
        ),
        Fault(
            "garp-drop",
            "drop the node's gratuitous ARPs for the VIPs (nftables egress): clients keep the "
            "old MAC after it takes over",
            "nft add table netdev kclab_garp && "
            f"nft add chain netdev kclab_garp egress {_GARP_CHAIN} && "
            f"nft add rule netdev kclab_garp egress arp saddr ip '{{ {VIPS} }}' "
            f"arp daddr ip '{{ {VIPS} }}' drop",
            "nft delete table netdev kclab_garp",
        ),
        Fault(
            "mgmt-down",
            "take the management link down: the node is unreachable over SSH",
            f"ip link set {configs.MGMT_IF} down",
            f"ip link set {configs.MGMT_IF} up",
        ),
        Fault(
            "kill-keepalived",
            "SIGKILL every keepalived process: no priority 0 advert, VIPs left behind",
            # stopped first: a child whose parent died first gets keepalived's parent-death
            # signal and, if it ran before its own SIGKILL (a busy machine), would resign
            # gracefully (priority 0, VIPs removed): not the fault this one is
            "pkill -STOP -x keepalived; pkill -KILL -x keepalived",
            f"{_KEEPALIVED['status']} >/dev/null || {_KEEPALIVED['start']}",
        ),
        Fault(
            "stop-sshd",
            "stop sshd's listener: new SSH connections are refused",
            _SSHD["stop"],
            _SSHD["start"],
        ),
        Fault(
            "log-flood",
            f"append {FLOOD_LINE!r} to the keepalived log, 10000 lines/s for 30 s",
            f"setsid -f sh -c {shlex.quote(FLOOD_WRITER)} >/dev/null 2>&1 </dev/null",
            f"test ! -e {FLOOD_PID} || kill $(cat {FLOOD_PID}) 2>/dev/null; rm -f {FLOOD_PID}",
        ),
    )
}


def _loaded(lab_dir: Path) -> LabState:
    state = load(lab_dir)
    if state is None:
        raise LabError(f"no lab is up in {lab_dir}: run `kaconsole lab up` first")
    return state


def apply(lab_dir: Path, node_name: str, kind: str) -> str:
    """Apply a fault; returns its description."""
    fault = FAULTS.get(kind)
    if fault is None:
        raise LabError(f"unknown fault {kind!r} (known: {', '.join(FAULTS)})")
    state = _loaded(lab_dir)
    node = state.node(node_name)
    if kind in node.faults:
        raise LabError(f"{node_name}: fault {kind} is already active (`kaconsole lab heal`)")
    result = nodes.node_exec(node.init_pid, fault.apply.replace(VIPS, ", ".join(state.vips)))
    if result.returncode != 0:
        raise LabError(f"{node_name}: applying {kind} failed: {result.stderr.strip()}")
    node.faults.append(kind)
    save(state)
    return fault.description


def heal(lab_dir: Path, node_name: str, kind: str | None = None) -> list[str]:
    """Heal one active fault, or all of the node's (latest first); returns the kinds healed."""
    state = _loaded(lab_dir)
    node = state.node(node_name)
    if kind is not None and kind not in node.faults:
        raise LabError(f"{node_name}: fault {kind} is not active")
    kinds = [kind] if kind else list(reversed(node.faults))
    for k in kinds:
        result = nodes.node_exec(node.init_pid, FAULTS[k].heal)
        if result.returncode != 0:
            raise LabError(f"{node_name}: healing {k} failed: {result.stderr.strip()}")
        node.faults.remove(k)
        save(state)
    return kinds
