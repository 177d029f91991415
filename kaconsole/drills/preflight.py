"""Before a drill acts: which node each role names, and whether the cluster is fit to drill.

Pure. A failover drill on a cluster with no single MASTER, no healthy BACKUP to take over or
an anomaly already showing would measure the wrong thing, or break what is already broken.
"""

from __future__ import annotations

from kaconsole.core.checks.cluster import check_cluster
from kaconsole.core.events import VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.anomalies import (
    EVIDENCE_ONLY,
    find_anomalies,
    instance_names,
    summarize,
)
from kaconsole.core.state.model import ClusterState, NodeState
from kaconsole.core.vrrp.timers import master_down_interval


def settled(state: ClusterState, instance: str | None) -> bool:
    """Every node running keepalived has said which state the instance is in."""
    for node in state.nodes:
        if node.reachable is False or node.service("keepalived") is not ServiceState.RUNNING:
            continue
        names = [instance] if instance else [i.name for i in node.instances]
        if not names:
            return False
        for name in names:
            inst = node.instance(name)
            if inst is None or inst.state is VrrpState.UNKNOWN:
                return False
    return True


def pick_instance(state: ClusterState, wanted: str | None) -> str | None:
    names = instance_names(state)
    if wanted is not None:
        return wanted if wanted in names else None
    return names[0] if names else None


def _healthy(node: NodeState) -> bool:
    return node.reachable is True and all(
        st is ServiceState.RUNNING for st in node.services.values()
    ) and bool(node.services)


def backups(state: ClusterState, instance: str) -> list[NodeState]:
    """Healthy BACKUPs of the instance, the likeliest to take over first."""
    ranked: list[tuple[int, int, NodeState]] = []
    for node in state.nodes:
        inst = node.instance(instance)
        if inst is not None and inst.state is VrrpState.BACKUP and _healthy(node):
            priority = inst.effective_priority or inst.base_priority or 0
            ranked.append((-priority, len(ranked), node))
    return [node for *_, node in sorted(ranked, key=lambda t: (t[0], t[1]))]


def resolve_roles(state: ClusterState, instance: str) -> dict[str, str]:
    """The node each role names now; a role that names no node is left out."""
    roles: dict[str, str] = {}
    summary = summarize(state, instance)
    if len(summary.masters) == 1:
        roles["master"] = summary.masters[0]
        candidates = [n for n in backups(state, instance) if n.name != summary.masters[0]]
        if candidates:
            roles["backup"] = candidates[0].name
            node = state.node(summary.masters[0])
            inst = node.instance(instance) if node else None
            keeps = inst is not None and inst.spec is not None and inst.spec.nopreempt
            roles["home"] = roles["backup"] if keeps else summary.masters[0]
    failed = [n for n in state.nodes if n.reachable is not False
              and any(st is ServiceState.STOPPED for st in n.services.values())]
    failed.sort(key=lambda n: n.service("keepalived") is not ServiceState.STOPPED)
    if failed:
        roles["failed"] = failed[0].name
    ranked = [(i.base_priority, -k, n.name) for k, n in enumerate(state.nodes)
              if (i := n.instance(instance)) is not None and i.base_priority is not None]
    if ranked:
        roles["preferred"] = max(ranked)[2]
    return roles


def preflight(state: ClusterState, instance: str) -> list[str]:
    """Why a failover drill must not start now (empty: it may)."""
    problems = []
    summary = summarize(state, instance)
    if len(summary.masters) != 1:
        problems.append(f"{instance} needs exactly one MASTER to fail over; MASTER now: "
                        + (", ".join(summary.masters) or "none"))
    elif not [n for n in backups(state, instance) if n.name != summary.masters[0]]:
        problems.append(f"no healthy BACKUP of {instance} would take over (reachable, every "
                        "service running, in BACKUP state)")
    problems += [f"anomaly {a.kind}: {a.message}" for a in find_anomalies(state)
                 if a.kind not in EVIDENCE_ONLY]
    return problems


def expected_timers(state: ClusterState, instance: str, taker: str | None) -> dict[str, float]:
    """The master-down interval and skew of the node expected to take over, from its config."""
    node = state.node(taker) if taker else None
    inst = node.instance(instance) if node else None
    spec = inst.spec if inst else None
    if spec is None or not 1 <= spec.priority <= 254:
        return {}
    try:
        down = master_down_interval(spec.priority, spec.advert_int, spec.version)
    except ValueError:
        return {}
    skew = down - 3 * spec.advert_int
    return {"master_down": round(down, 3), "skew": round(skew, 3)}


def config_findings(state: ClusterState) -> list[str]:
    """Errors and warnings of the configuration check (CONTRACTS.md section 7) on the configs
    the nodes sent: said in the report, since they often explain a drill's result (a VIP that
    drops client traffic, a weight that cannot move the VIP), but they do not stop a drill."""
    configs = {n.name: n.config for n in state.nodes if n.config is not None}
    return [f"configuration {f.severity} {f.code}: {f.message}"
            for f in check_cluster(configs, {}) if f.severity in ("error", "warning")]
