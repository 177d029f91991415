"""The fleet view's rows and the one-line fleet summary, from digests alone (no terminal needed).

One row per cluster and VRRP instance, what is broken first: an engineer opening a fleet of
forty clusters must see the split brain without scrolling or reading the healthy ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kaconsole.core.insight.digest import ClusterDigest
from kaconsole.ui.present.common import clock_text

#: Anomaly kinds from worst to mildest; unlisted kinds rank after these, healthy rows last.
RANK = ("split_brain", "no_master", "vip_on_non_master", "unreachable", "vip_unreachable",
        "service_down")
HEALTHY = len(RANK) + 1
COLUMNS = ("cluster", "instance", "MASTER", "VIP on", "nodes", "worst", "findings",
           "last transition")


@dataclass(frozen=True, slots=True)
class FleetRow:
    cluster: str
    instance: str
    master: str
    vip_holders: str
    nodes: str
    worst: str
    findings: str
    transition: str
    #: Sort key: lower is worse (RANK's index), HEALTHY when nothing is wrong.
    rank: int

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.cluster, self.instance, self.master, self.vip_holders, self.nodes,
                self.worst, self.findings, self.transition)

    @property
    def key(self) -> tuple[str, str]:
        """The row's identity across updates: its cluster and instance."""
        return self.cluster, self.instance

    @property
    def role(self) -> str:
        """The row's style: anomaly when something is wrong, else healthy."""
        return "healthy" if self.rank == HEALTHY else "anomaly"

    def matches(self, needle: str) -> bool:
        return needle.casefold() in " ".join(self.cells).casefold()


def _rank(kind: str) -> int:
    return RANK.index(kind) if kind in RANK else len(RANK)


def _worst(kinds: list[str]) -> tuple[int, str]:
    if not kinds:
        return HEALTHY, "ok"
    worst = min(kinds, key=_rank)
    more = f" +{len(kinds) - 1}" if len(kinds) > 1 else ""
    return _rank(worst), worst.replace("_", " ") + more


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.0f} h ago"


def cluster_rows(name: str, digest: ClusterDigest, now: float) -> list[FleetRow]:
    """The cluster's rows: one per instance (one placeholder row before any is known)."""
    up = f"{digest.nodes_up}/{digest.nodes}"
    found = "?" if digest.findings is None else str(digest.findings)
    rows = []
    for s in digest.instances or (None,):
        mine = [kind for kind, inst in digest.anomalies if s is None or inst in (None, s.name)]
        rank, worst = _worst(mine)
        t = s.last_transition if s is not None else None
        when = "" if t is None or t.at is None else (
            f" at {clock_text(t.at)}, {_age(max(now - t.at, 0.0))}")
        rows.append(FleetRow(
            cluster=name,
            instance=s.name if s is not None else "-",
            master=", ".join(s.masters) if s is not None and s.masters else "none",
            vip_holders=", ".join(s.vip_holders) if s is not None and s.vip_holders else "-",
            nodes=up, worst=worst, findings=found,
            transition=f"{t.node} -> {t.to_state.value}{when}" if t is not None else "-",
            rank=rank,
        ))
    return rows


def fleet_rows(clusters: Mapping[str, ClusterDigest], now: float,
               needle: str = "") -> list[FleetRow]:
    """Every row matching `needle`, worst first, then by cluster and instance name."""
    rows = [r for name, digest in clusters.items() for r in cluster_rows(name, digest, now)]
    if needle:
        rows = [r for r in rows if r.matches(needle)]
    return sorted(rows, key=lambda r: (r.rank, r.cluster, r.instance))


def changed_cells(shown: Sequence[FleetRow],
                  rows: Sequence[FleetRow]) -> list[tuple[int, int]] | None:
    """The (row, column) cells that differ, place by place, between the rows on screen and
    the new ones, to be updated in place (a row that moved differs where its neighbour did);
    None when the number of rows changed (the table is laid out again). A row that turned
    healthy or broken changes its style: all its cells count as changed."""
    if len(shown) != len(rows):
        return None
    out = []
    for i, (old, new) in enumerate(zip(shown, rows, strict=True)):
        if old == new:
            continue
        restyled = old.role != new.role
        out += [(i, j) for j, (a, b) in enumerate(zip(old.cells, new.cells, strict=True))
                if restyled or a != b]
    return out


def fleet_summary(clusters: Mapping[str, ClusterDigest]) -> str:
    """One line for every cluster's header: `fleet: 24 clusters, 1 split brain (db-eu), 2
    findings`; the worst kinds first, each with up to three clusters named."""
    by_kind: dict[str, list[str]] = {}
    for name, digest in clusters.items():
        for kind in dict.fromkeys(kind for kind, _ in digest.anomalies):
            by_kind.setdefault(kind, []).append(name)
    parts = [f"fleet: {len(clusters)} cluster{'s' if len(clusters) != 1 else ''}"]
    for kind in sorted(by_kind, key=_rank):
        names = by_kind[kind]
        shown = ", ".join(names[:3]) + (f", +{len(names) - 3}" if len(names) > 3 else "")
        parts.append(f"{len(names)} {kind.replace('_', ' ')} ({shown})")
    total = sum(d.findings for d in clusters.values() if d.findings)
    if total:
        parts.append(f"{total} finding{'s' if total != 1 else ''}")
    if len(parts) == 1:
        parts.append("all healthy")
    return ", ".join(parts)
