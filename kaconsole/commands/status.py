"""`kaconsole status CLUSTER.yaml [--json]`: one snapshot of the cluster (CONTRACTS.md §4)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from kaconsole.commands.console import record
from kaconsole.commands.inputs import cluster_paths, is_fleet, load_clusters, one_cluster
from kaconsole.core.insight.anomalies import find_anomalies, summaries
from kaconsole.core.insight.explain import (
    ACTION_WINDOW,
    LOG_SLACK,
    OperatorAction,
    operator_actions,
)
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.causes import RESIGN_WINDOW
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor, SessionFactory
from kaconsole.engine.status import FLEET_LIMIT, all_ready, take_status, take_statuses
from kaconsole.errors import InputError

#: How far back audit entries are read for a transition whose time the logs did not give.
UNDATED_HORIZON = 3600.0


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "status",
        help="one snapshot of the cluster: exit 0 healthy, 1 anomalies, 2 error",
        description="Connect to every node, poll once, listen for adverts for one master-down "
        "interval, and print the cluster's state.",
    )
    parser.add_argument(
        "cluster", nargs="*",
        help="cluster files or directories of them, or demo (default: $KACONSOLE_CLUSTERS, else "
        "$XDG_CONFIG_HOME/kaconsole/clusters/); several print {\"clusters\": [...]}",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON snapshot")
    parser.add_argument(
        "--limit", type=float, default=FLEET_LIMIT, metavar="SECONDS",
        help="with several clusters: each one's time limit (default %(default)g s), so an "
        "unreachable site does not hold the others",
    )
    parser.add_argument(
        "--listen",
        type=float,
        metavar="SECONDS",
        help="how long to listen for adverts (default: the longest master-down interval)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="keep watching and print each change (with --json: one snapshot a line); ctrl+c stops",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if is_fleet(args.cluster):
        if args.watch:
            raise InputError("--watch", "watches one cluster: give one cluster file")
        return _fleet(args)
    where = one_cluster(args.cluster)
    if args.watch:
        return asyncio.run(_watch(where.cluster, where.sessions, as_json=args.json))
    state = asyncio.run(take_status(where.cluster, where.sessions, listen=args.listen))
    snap = snapshot_json(state, datetime.now(UTC), audited(state))
    if args.json:
        json.dump(snap, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(snap))
    return 1 if find_anomalies(state) else 0


def _fleet(args: argparse.Namespace) -> int:
    """Every cluster at once: one JSON object (or one table each), exit 1 on any anomaly,
    2 when no cluster could be read."""
    clusters, errors = load_clusters(cluster_paths(args.cluster))
    for _, error in errors:
        print(f"kaconsole: error: {error}", file=sys.stderr)
    states = asyncio.run(take_statuses(clusters, listen=args.listen, limit=args.limit))
    now = datetime.now(UTC)
    snaps = [snapshot_json(state, now, audited(state)) for state in states]
    if args.json:
        failed = [{"file": path, "error": str(e)} for path, e in errors]
        json.dump({"clusters": snaps, "errors": failed}, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(render_text(snap) for snap in snaps))
    if not clusters:
        return 2
    return 1 if any(snap["anomalies"] for snap in snaps) else 0


async def _watch(cluster: Cluster, sessions: SessionFactory | None, *, as_json: bool) -> int:
    """Print a snapshot whenever what an engineer looks at changes; never returns by itself."""
    monitor = ClusterMonitor(cluster, sessions)
    record(monitor, None, "watch")
    running = asyncio.create_task(monitor.run())
    last: object = None
    try:
        async for update in monitor.updates():
            if not all_ready(update.state, cluster):
                continue
            snap = snapshot_json(update.state, datetime.now(UTC), audited(update.state))
            key = _watched(snap)
            if key == last:
                continue
            last = key
            if as_json:
                sys.stdout.write(json.dumps(snap) + "\n")
            else:
                sys.stdout.write(render_text(snap) + "\n")
            sys.stdout.flush()
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    return 0


def audited(state: ClusterState) -> tuple[OperatorAction, ...]:
    """The audited actions that can explain the transitions shown, read from the log's end only.

    A transition is explained by an action up to ACTION_WINDOW before it (or before the resign
    that led to it), so nothing older is read: the log may be megabytes, and --watch asks often.
    """
    times = [s.last_transition.at for s in summaries(state) if s.last_transition is not None]
    if not times:
        return ()
    dated = [t for t in times if t is not None]
    oldest = min(dated) if len(dated) == len(times) else time.time() - UNDATED_HORIZON
    return operator_actions(AuditLog().since(oldest - RESIGN_WINDOW - ACTION_WINDOW - LOG_SLACK))


def _watched(snap: dict[str, Any]) -> object:
    """What a change means: node reachability and services, instance states, masters, anomalies."""
    nodes = [
        (
            n["name"],
            n["reachable"],
            tuple(n["services"].items()),
            tuple((i["name"], i["state"], i["holds_vips"]) for i in n["instances"]),
        )
        for n in snap["nodes"]
    ]
    insts = [(i["name"], i["master"], tuple(i["vip_holders"])) for i in snap["instances"]]
    anomalies = [(a["kind"], a["message"]) for a in snap["anomalies"]]
    return (nodes, insts, anomalies)


def _reach(node: dict[str, Any]) -> str:
    """yes, with what a working stream had to say (e.g. log lines rejected), or NO and why."""
    if not node["reachable"]:
        return f"NO: {node['error'] or 'unknown'}"
    notes = "; ".join(f"{channel}: {note}" for channel, note in node.get("notes", {}).items())
    return f"yes ({notes})" if notes else "yes"


def render_text(snap: dict[str, Any]) -> str:
    """The snapshot as a table an engineer reads in one glance."""
    lines = [f"cluster {snap['cluster']}  ({snap['taken_at']})", ""]
    names = [i["name"] for i in snap["instances"]]
    header = ["node", "reachable", *snap["nodes"][0]["services"], *names] if snap["nodes"] else []
    rows = [header]
    for node in snap["nodes"]:
        states = {
            i["name"]: f"{i['state']} {i['effective_priority']}/{i['base_priority']}"
            + (" VIP" if i["holds_vips"] else "")
            for i in node["instances"]
        }
        rows.append(
            [
                node["name"],
                _reach(node),
                *node["services"].values(),
                *(states.get(n, "-") for n in names),
            ]
        )
    widths = [max(len(str(r[i])) for r in rows if i < len(r)) for i in range(len(header))]
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
    lines.append("")
    for inst in snap["instances"]:
        master = inst["master"] or "none"
        lines.append(
            f"{inst['name']} (VRID {inst['vrid']}): MASTER {master}; VIP {', '.join(inst['vips'])} "
            f"on {', '.join(inst['vip_holders']) or 'no node'}; adverts from "
            f"{', '.join(inst['advert_sources']) or 'nobody'}"
        )
        if inst["last_transition"]:
            t = inst["last_transition"]
            lines.append(f"  last: {t['node']} -> {t['to']} at {t['at']}: {t['detail']}")
        matrix = inst.get("advert_matrix") or {}
        lines += [f"  hears: {c}" for c in _hears(matrix)]
        lines += [f"  one-way: {w}" for w in matrix.get("one_way", [])]
    lines.append("")
    if snap["anomalies"]:
        lines += [f"! {a['kind']}: {a['message']}" for a in snap["anomalies"]]
    else:
        lines.append("no anomalies")
    return "\n".join(lines) + "\n"


def _hears(matrix: dict[str, Any]) -> list[str]:
    """One line per capturing node: whom its wire carries, and whether keepalived logged it."""
    out = []
    for listener in matrix.get("listeners", []):
        cells = [
            f"{c['router'] or c['source']} {c['priority']} {c['rate']}"
            + {True: " (logged)", False: " (not logged)", None: ""}[c["received"]]
            for c in matrix["cells"]
            if c["listener"] == listener and c["router"] != listener
        ]
        out.append(f"{listener} <- {', '.join(cells) or 'nobody'}")
    return out
