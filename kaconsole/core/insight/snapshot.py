"""The cluster snapshot of `kaconsole status --json` (CONTRACTS.md section 4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.anomalies import find_anomalies, summaries
from kaconsole.core.insight.explain import OperatorAction, explain
from kaconsole.core.insight.matrix import advert_matrix
from kaconsole.core.insight.neighbours import neighbours_json
from kaconsole.core.state.model import ClusterState, InstanceState, NodeState, Transition

#: Services every snapshot reports, in this order, whether or not they were polled.
SERVICES = ("nginx", "keepalived")


def _instance_json(node: NodeState, inst: InstanceState, vips: set[str]) -> dict[str, Any]:
    state = inst.state
    if node.reachable is False:
        state = VrrpState.UNKNOWN  # the last thing heard may no longer be true
    elif node.service("keepalived") is ServiceState.STOPPED:
        state = VrrpState.STOP
    holds = node.addresses is not None and bool(node.addresses & vips)
    return {
        "name": inst.name,
        "vrid": inst.vrid,
        "state": state.value,
        "base_priority": inst.base_priority,
        "effective_priority": inst.effective_priority,
        "holds_vips": holds,
    }


def transition_json(
    state: ClusterState, tr: Transition, actions: Iterable[OperatorAction] = ()
) -> dict[str, Any]:
    """A transition with its cause chain: `detail` reads as one line, `chain` step by step."""
    why = explain(state, tr, actions)
    return {**tr.to_json(), "detail": why.detail, "chain": list(why.chain)}


def snapshot_json(
    state: ClusterState, taken_at: datetime, actions: Iterable[OperatorAction] = ()
) -> dict[str, Any]:
    """The contract's snapshot; `taken_at` comes from the caller so this stays pure.

    `actions` (from the audit log) let a transition's cause chain name an operator's action.
    """
    acts = tuple(actions)
    sums = summaries(state)
    vips_of = {s.name: set(s.vips) for s in sums}
    nodes = [
        {
            "name": n.name,
            "host": n.host,
            "reachable": bool(n.reachable),
            "error": n.error,
            "notes": dict(n.notes),
            "services": {
                s: n.service(s).value if n.reachable is not False else "unknown"
                for s in (*SERVICES, *n.services)
            },
            "instances": [_instance_json(n, i, vips_of.get(i.name, set())) for i in n.instances],
        }
        for n in state.nodes
    ]
    instances = [
        {
            "name": s.name,
            "vrid": s.vrid,
            "vips": list(s.vips),
            "master": s.master,
            "masters": list(s.masters),
            "vip_holders": list(s.vip_holders),
            "advert_sources": list(s.advert_sources),
            "split_brain": s.split_brain,
            "advert_matrix": m.to_json() if (m := advert_matrix(state, s.name)) else None,
            "neighbours": neighbours_json(state, s.vips, s.master),
            "last_transition": (
                transition_json(state, s.last_transition, acts) if s.last_transition else None
            ),
        }
        for s in sums
    ]
    return {
        "cluster": state.cluster,
        "taken_at": taken_at.isoformat(),
        "nodes": nodes,
        "instances": instances,
        "anomalies": [a.to_json() for a in find_anomalies(state)],
    }
