"""What the fleet view shows of one cluster, and nothing more: its state's digest.

A fleet watches dozens of clusters whose states change with every advert and poll; their digests
change only when something a fleet row shows does (a MASTER, the VIP's holders, the nodes up, an
anomaly, a transition, the findings), so the fleet wakes for those alone. The full view
(verdicts, problems, causes) is computed only for the cluster whose console is open.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaconsole.core.insight.anomalies import find_anomalies, summaries
from kaconsole.core.state.model import ClusterState, Transition


@dataclass(frozen=True, slots=True)
class InstanceDigest:
    name: str
    masters: tuple[str, ...]
    vip_holders: tuple[str, ...]
    last_transition: Transition | None


@dataclass(frozen=True, slots=True)
class ClusterDigest:
    instances: tuple[InstanceDigest, ...]
    #: Each anomaly's kind and instance (None: the whole cluster), in `find_anomalies` order.
    anomalies: tuple[tuple[str, str | None], ...]
    nodes_up: int
    nodes: int
    #: Configuration findings; None until a node's configuration has been read.
    findings: int | None = None


def digest_of(state: ClusterState, findings: int | None = None) -> ClusterDigest:
    sums = summaries(state)
    return ClusterDigest(
        tuple(InstanceDigest(s.name, s.masters, s.vip_holders, s.last_transition) for s in sums),
        tuple((a.kind, a.instance) for a in find_anomalies(state, sums)),
        sum(n.reachable is True for n in state.nodes),
        len(state.nodes),
        findings,
    )
