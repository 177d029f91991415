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

from kaconsole.commands.inputs import target
from kaconsole.core.checks.cluster import Finding, exit_status
from kaconsole.core.checks.model import SEVERITIES
from kaconsole.core.redact import printable
from kaconsole.engine.configcheck import check, ssh_runner


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="cross-node keepalived configuration check: exit 0 clean, 1 findings, 2 error",
        description="Read keepalived.conf (with includes) on every node, run keepalived's own "
        "configuration test there, listen briefly for other routers' VRRP adverts, and report "
        "what differs between nodes or will not work as intended, with what to change.",
    )
    parser.add_argument("cluster", help="the cluster file (clusters/*.yaml), or demo")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--no-capture", action="store_true",
                        help="skip the short VRRP capture on each node (VRID collisions)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    where = target(args.cluster)
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
