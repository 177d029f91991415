"""What a service action will do to the cluster, in words, before the operator confirms it.

The VRRP model is `core.vrrp`; this builds its elections from the live state and maps an
action to the changes it causes. What the console cannot know (what a track script checks,
whether it stops keepalived) is said as a condition, never assumed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.state.model import ClusterState, InstanceState, NodeState
from kaconsole.core.vrrp.election import (
    Change,
    Election,
    Router,
    StartKeepalived,
    StopKeepalived,
    TrackerFails,
    predict,
)


@dataclass(frozen=True, slots=True)
class Effect:
    lines: tuple[str, ...]
    #: Instances this action would leave with no node able to be MASTER.
    no_master: tuple[str, ...] = field(default=())


def _address(state: ClusterState, node: NodeState, inst: InstanceState) -> str:
    """The node's VRRP source address: seen on the wire, else from its config, else none."""
    if inst.vrid is not None and node.addresses:
        for src in state.wire.get(inst.vrid, {}):
            if src in node.addresses:
                return src
    config = node.config.instance(inst.name) if node.config else None
    if config is not None and config.unicast_src_ip:
        return config.unicast_src_ip
    try:
        return str(ipaddress.ip_address(node.host))
    except ValueError:
        return "0.0.0.0"


def election(state: ClusterState, instance: str) -> Election | None:
    """The instance's election as the state shows it now (None without priorities)."""
    routers = []
    advert_int, version = 1.0, 2
    for node in state.nodes:
        inst = node.instance(instance)
        if inst is None or inst.base_priority is None:
            continue
        if inst.spec is not None:
            advert_int, version = inst.spec.advert_int, inst.spec.version
        vstate = inst.state
        if node.service("keepalived") is ServiceState.STOPPED:
            vstate = VrrpState.STOP
        eff = inst.effective_priority or inst.base_priority
        failed = (eff - inst.base_priority,) if eff < inst.base_priority else ()
        routers.append(
            Router(
                node.name,
                _address(state, node, inst),
                inst.base_priority,
                vstate if vstate is not VrrpState.UNKNOWN else VrrpState.BACKUP,
                nopreempt=bool(inst.spec and inst.spec.nopreempt),
                weights_failed=failed,
                weights_ok=_passing_weights(node, instance),
            )
        )
    if not routers:
        return None
    try:
        return Election(tuple(routers), advert_int, version)
    except ValueError:
        return None


def tracked(node: NodeState, instance: str) -> list[tuple[str, int]]:
    """(script, weight) of each script the instance tracks, from the node's configuration."""
    config = node.config
    inst = config.instance(instance) if config else None
    if config is None or inst is None:
        return []
    out = []
    for track in inst.track_script:
        script = config.script(track.name)
        weight = track.weight if track.weight is not None else (script.weight if script else 0)
        out.append((track.name, weight))
    return out


def _passing_weights(node: NodeState, instance: str) -> tuple[int, ...]:
    return tuple(w for _, w in tracked(node, instance))


def _predict(e: Election, change: Change) -> str | None:
    try:
        return predict(e, change).reason
    except ValueError:
        return None


def expected_effect(state: ClusterState, node: str, service: str, verb: str) -> Effect:
    """The lines a confirmation shows for `verb service` on `node`."""
    lines: list[str] = []
    lost: list[str] = []
    target = state.node(node)
    if target is None:
        return Effect((f"{node} is not in this cluster",))
    names = [i.name for i in target.instances]
    for name in names:
        e = election(state, name)
        if e is None:
            lines.append(f"{name}: priorities unknown yet, no prediction")
            continue
        if service == "keepalived":
            changes: list[Change] = []
            if verb in ("stop", "restart"):
                changes.append(StopKeepalived(node))
            if verb in ("start", "restart"):
                changes.append(StartKeepalived(node))
            for change in changes:
                p = predict(e, change)
                lines.append(f"{name}: {p.reason}")
                if p.master is None and p.before is not None:
                    lost.append(name)
                e = p.after
        elif verb == "stop":
            lines.extend(_nginx_stop(e, target, name, node))
        elif verb == "start":
            lines.append(f"{name}: its track scripts pass again at their next run")
    if (
        service != "keepalived"
        and verb == "start"
        and target.service("keepalived") is ServiceState.STOPPED
    ):
        lines.append(
            f"keepalived is stopped on {node} (a track script may have stopped it): "
            "start it too, or the node cannot take the VIP back"
        )
    if service != "keepalived" and verb == "restart":
        lines.append(f"{service} is down for a moment: a track script that runs then fails once")
    return Effect(tuple(lines) or (f"{verb} {service} on {node}",), tuple(lost))


#: A track script's command that stops keepalived itself (as the reference check_nginx.sh does
#: from its file): `systemctl stop keepalived`, `service keepalived stop`, `pkill keepalived`...
_STOPS = re.compile(r"systemctl\s+(?:stop|kill)\s+keepalived|service\s+keepalived\s+stop"
                    r"|\b(?:kill|pkill|killall)\b[^;|&]*keepalived")
#: A command that is a file's path alone: what the file does is not in the configuration.
_FILE = re.compile(r"\S+/\S+")


def script_branch(command: str | None) -> str:
    """What a failing track script does, from its text in the configuration: "stops" keepalived,
    only "fails" (its weight applies), or "unknown" (a script file the console cannot read)."""
    if command is None:
        return "unknown"
    if _STOPS.search(command):
        return "stops"
    return "unknown" if _FILE.fullmatch(command.strip()) else "fails"


def _nginx_stop(e: Election, target: NodeState, instance: str, node: str) -> list[str]:
    """One predicted outcome per track script, naming the branch that applies and why."""
    scripts = tracked(target, instance)
    if not scripts:
        return [f"{instance}: no track script on {node}, so VRRP does not react; clients fail"]
    lines = []
    stop = _predict(e, StopKeepalived(node))
    for script, weight in scripts:
        spec = target.config.script(script) if target.config else None
        command = spec.script if spec else None
        branch = script_branch(command)
        fails = _predict(e, TrackerFails(node, weight, script))
        if branch == "stops" and stop:
            lines.append(f"{instance}: {script} runs `{command}`, which stops keepalived: the "
                         f"VIP moves via priority 0: {stop}")
        elif branch == "fails" and fails:
            lines.append(f"{instance}: {script} runs `{command}`, which only fails (weight "
                         f"{weight:+d}): {fails}")
        elif fails and stop:
            lines.append(f"{instance}: {script} runs {command or 'a script'}, whose text the "
                         f"console cannot read, so which applies is unknown: if it only fails "
                         f"(weight {weight:+d}): {fails}; if it stops keepalived (as the "
                         f"reference check_nginx.sh does): {stop}")
    return lines
