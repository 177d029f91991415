"""Maintenance mode: move a node's VIP away gracefully and back, through keepalived's track_file.

keepalived 2.x adds `weight` x the number written in a `vrrp_track_file`'s file to the priority
of each instance that tracks it, at once and without a restart. Writing a number large enough to
drop the node strictly below a peer moves the VIP there with a normal election (no priority 0, no
master-down wait); writing 0 gives the priority back, and a preempting node takes the VIP again.
The console never edits keepalived.conf: where the config lacks the track file it shows the lines
to add.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from kaconsole.core.insight.effects import election
from kaconsole.core.state.model import ClusterState
from kaconsole.core.vrrp.election import Prediction, TrackerFails, TrackerRecovers, predict

#: Where the lines we suggest put the file, and its name in keepalived.conf.
SUGGESTED_FILE = "/etc/keepalived/maintenance"
SUGGESTED_NAME = "maintenance"
#: keepalived puts an instance in FAULT when weight x value falls below this.
_FAULT_BELOW = -253
#: A path we are willing to put in a command line (it comes from the node's keepalived.conf).
_SAFE_PATH = re.compile(r"/[A-Za-z0-9._/-]+")


@dataclass(frozen=True, slots=True)
class Drain:
    """How to drain one node's instance: the number to write in its track file, and what then."""

    node: str
    instance: str
    track: str
    file: str
    weight: int
    value: int
    prediction: Prediction

    @property
    def lines(self) -> tuple[str, ...]:
        return (
            f"write {self.value} to {self.file} on {self.node} (vrrp_track_file {self.track}, "
            f"weight {self.weight}: priority {self.weight * self.value:+d})",
            f"{self.instance}: {self.prediction.reason}",
        )


@dataclass(frozen=True, slots=True)
class Unsupported:
    """The node's config cannot drain this instance: why, and the exact lines that would."""

    node: str
    instance: str
    why: str
    config_lines: tuple[str, ...]


def track_file_of(state: ClusterState, node: str, instance: str) -> tuple[str, str, int] | None:
    """(name, file, effective weight) of the first usable track file of the instance: a safe
    path and a negative weight (after `reverse`), so that writing a positive number drains."""
    n = state.node(node)
    config = n.config if n else None
    inst = config.instance(instance) if config else None
    if config is None or inst is None:
        return None
    for track in inst.track_file:
        tf = config.track_file(track.name)
        if tf is None or tf.file is None or not _SAFE_PATH.fullmatch(tf.file):
            continue
        weight = track.weight if track.weight is not None else tf.weight
        if track.reverse or tf.weight_reverse:
            weight = -weight
        if weight < 0:
            return tf.name, tf.file, weight
    return None


def plan_drain(state: ClusterState, node: str, instance: str) -> Drain | Unsupported:
    """What draining `node` for `instance` takes and does, or the lines its config needs."""
    found = track_file_of(state, node, instance)
    e = election(state, instance)
    if found is None or e is None:
        why = "priorities are not known yet" if found else "no track_file with a negative weight"
        return Unsupported(node, instance, why, config_lines(state, node, instance))
    name, path, weight = found
    me = e.router(node)
    ours = me.priority or 0
    peers = [r.priority or 0 for r in e.routers if r.name != node and r.eligible]
    target = max(peers, default=ours) - 1  # strictly below the best peer
    value = max(1, math.ceil((ours - target) / -weight))
    value = min(value, _FAULT_BELOW // weight)
    drop = weight * value
    routers = tuple(
        replace(r, weights_ok=(*r.weights_ok, drop)) if r.name == node else r for r in e.routers
    )
    p = predict(replace(e, routers=routers), TrackerFails(node, drop, f"maintenance ({path})"))
    return Drain(node, instance, name, path, weight, value, p)


def predict_undrain(state: ClusterState, node: str, instance: str) -> Prediction | None:
    """What writing 0 back does: the VIP returns (preempt) or stays (nopreempt)."""
    e = election(state, instance)
    n = state.node(node)
    inst = n.instance(instance) if n else None
    if e is None or inst is None or inst.base_priority is None:
        return None
    drop = (inst.effective_priority or inst.base_priority) - inst.base_priority
    if drop >= 0:
        return None
    try:
        return predict(e, TrackerRecovers(node, drop, "maintenance file"))
    except ValueError:
        return None


def config_lines(state: ClusterState, node: str, instance: str) -> tuple[str, ...]:
    """The lines to add to the node's keepalived.conf so that writing 1 drains it."""
    insts = [i for n in state.nodes if (i := n.instance(instance)) is not None]
    n = state.node(node)
    me = n.instance(instance) if n else None
    mine = me.base_priority if me else None
    others = [i.base_priority for i in insts if i.base_priority is not None]
    low = min(others, default=1)
    weight = max(1, (mine or low) - low + 1)
    return (
        f"vrrp_track_file {SUGGESTED_NAME} {{",
        f'    file "{SUGGESTED_FILE}"',
        f"    weight -{weight}",
        "    init_file 0",
        "}",
        f"vrrp_instance {instance} {{",
        "    ...",
        "    track_file {",
        f"        {SUGGESTED_NAME}",
        "    }",
        "}",
    )
