"""Whether a wait's conditions hold in a cluster state, and the evidence either way.

Pure: the runner calls `check` on every state the monitor publishes; the evidence text is
what the operator (and the report) sees when a wait passes or times out.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaconsole.core.insight.anomalies import (
    EVIDENCE_ONLY,
    InstanceSummary,
    find_anomalies,
    summarize,
)
from kaconsole.core.state.model import ClusterState
from kaconsole.drills.model import Condition


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    evidence: str


def check(conditions: tuple[Condition, ...], state: ClusterState, instance: str) -> Verdict:
    """All conditions hold; the evidence names what was seen for each one."""
    summary = summarize(state, instance)
    verdicts = [_one(c, state, summary) for c in conditions]
    return Verdict(all(v.ok for v in verdicts), "; ".join(v.evidence for v in verdicts))


def _names(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) if items else "no node"


def _states(state: ClusterState, instance: str) -> str:
    parts = []
    for node in state.nodes:
        inst = node.instance(instance)
        parts.append(f"{node.name} {inst.state.value if inst else 'UNKNOWN'}")
    return ", ".join(parts)


def _one(c: Condition, state: ClusterState, s: InstanceSummary) -> Verdict:
    if c.kind == "master":
        ok = s.masters == (c.node,)
        return Verdict(ok, f"MASTER of {s.name}: {_names(s.masters)} ({_states(state, s.name)})")
    if c.kind == "vip_on":
        vips = ", ".join(s.vips) or "the VIP"
        return Verdict(s.vip_holders == (c.node,), f"{vips} on {_names(s.vip_holders)}")
    if c.kind == "service":
        node = state.node(c.node or "")
        if node is None:
            return Verdict(False, f"{c.node} is not in the cluster")
        seen = node.service(c.service or "").value
        where = "" if node.reachable is not False else " (unreachable)"
        return Verdict(seen == c.state, f"{c.service} on {c.node}: {seen}{where}")
    if c.kind == "single_master":
        ok = (
            len(s.masters) == 1
            and s.vip_holders == s.masters
            and len(s.advert_sources) <= 1
        )
        adverts = ", ".join(s.advert_sources) or "no address seen"
        return Verdict(
            ok,
            f"MASTER: {_names(s.masters)}; VIP on {_names(s.vip_holders)}; "
            f"adverts for VRID {s.vrid} from {adverts}",
        )
    found = [a for a in find_anomalies(state)
             if a.kind not in c.ignore and a.kind not in EVIDENCE_ONLY]
    if not found:
        return Verdict(True, "no anomaly")
    return Verdict(False, "anomalies: " + "; ".join(f"{a.kind}: {a.message}" for a in found))
