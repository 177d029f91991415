"""`kaconsole check CLUSTER.yaml [--json]`: cross-node keepalived configuration check (§7).

Exit 0 clean, 1 findings, 2 error (a bad cluster file). An unreachable node is a finding, not
an error: the other nodes are still checked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from kaconsole.commands.inputs import cluster_paths, is_fleet, load_clusters, one_cluster
from kaconsole.core.checks.cluster import Finding, exit_status
from kaconsole.core.checks.model import SEVERITIES
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.redact import printable
from kaconsole.engine.configcheck import check, ssh_runner
from kaconsole.errors import InputError, KaconsoleError

#: With several clusters, each one's time limit: an unreachable site does not hold the others.
FLEET_CHECK_LIMIT = 60.0


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="cross-node keepalived configuration check: exit 0 clean, 1 findings, 2 error",
        description="Read keepalived.conf (with includes) on every node, run keepalived's own "
        "configuration test there, listen briefly for other routers' VRRP adverts, and report "
        "what differs between nodes or will not work as intended, with what to change.",
    )
    parser.add_argument("cluster", nargs="*",
                        help="cluster files or directories of them, or demo (default: "
                        "$KACONSOLE_CLUSTERS, else $XDG_CONFIG_HOME/kaconsole/clusters/)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--no-capture", action="store_true",
                        help="skip the short VRRP capture on each node (VRID collisions)")
    parser.add_argument("--limit", type=float, default=FLEET_CHECK_LIMIT, metavar="SECONDS",
                        help="with several clusters: each one's time limit "
                        "(default %(default)g s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if is_fleet(args.cluster):
        return _fleet(args)
    where = one_cluster(args.cluster)
    cluster = where.cluster
    findings = asyncio.run(
        check(cluster, opener=where.opener or ssh_runner, capture=not args.no_capture)
    )
    if args.json:
        json.dump({"cluster": cluster.name, "findings": [f.to_json() for f in findings]},
                  sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable(render_text(cluster.name, len(cluster.nodes), findings)))
    return exit_status(findings)


def _fleet(args: argparse.Namespace) -> int:
    """Every cluster checked in parallel: `{"clusters": [...], "errors": [...]}`; exit 2 when
    none could be checked, 1 on any finding."""
    clusters, errors = load_clusters(cluster_paths(args.cluster))
    results = asyncio.run(_check_all(clusters, capture=not args.no_capture, limit=args.limit))
    checked: list[tuple[Cluster, list[Finding]]] = []
    for cluster, result in zip(clusters, results, strict=True):
        if isinstance(result, list):
            checked.append((cluster, result))
        else:
            errors.append((cluster.path, result))
    for _, error in errors:
        print(f"kaconsole: error: {error}", file=sys.stderr)
    if args.json:
        json.dump({"clusters": [{"cluster": c.name, "findings": [f.to_json() for f in found]}
                                for c, found in checked],
                   "errors": [{"file": path, "error": str(e)} for path, e in errors]},
                  sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable("\n".join(render_text(c.name, len(c.nodes), found)
                                             for c, found in checked)))
    if not checked:
        return 2
    return max(exit_status(found) for _, found in checked)


async def _check_all(clusters: list[Cluster], *, capture: bool,
                     limit: float) -> list[list[Finding] | KaconsoleError]:
    async def one(cluster: Cluster) -> list[Finding] | KaconsoleError:
        try:
            async with asyncio.timeout(limit):
                return await check(cluster, capture=capture)
        except TimeoutError:
            return InputError(cluster.path, f"cluster {cluster.name}: not checked within the "
                              f"{limit:g} s limit")
        except KaconsoleError as exc:
            return exc

    return list(await asyncio.gather(*(one(c) for c in clusters)))


def render_text(cluster: str, nodes: int, findings: list[Finding]) -> str:
    """Findings grouped by severity, each with its code, instance, nodes, place and details."""
    counts = [f"{sum(f.severity == s for f in findings)} {s}" for s in SEVERITIES]
    lines = [f"cluster {cluster}: {nodes} node{'s' if nodes != 1 else ''} checked, "
             f"{', '.join(counts) if findings else 'no findings'}"]
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        lines += ["", severity.upper()]
        for f in group:
            scope = " ".join(p for p in (f.instance or "", ", ".join(f.nodes)) if p)
            at = f"  ({f.where})" if f.where else ""
            lines.append(f"  {f.code}: {scope}{at}")
            lines.append(f"    {f.message}")
            lines += [f"      | {line}" for line in f.details]
    return "\n".join(lines) + "\n"
