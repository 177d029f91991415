"""`kaconsole CLUSTER.yaml [--read-only] [--theme NAME]`: the live console (CONTRACTS.md §2, §8).

Textual is imported only when the console starts, so the headless commands never load it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kaconsole.commands.inputs import (
    cluster_paths,
    is_fleet,
    load_clusters,
    one_cluster,
    positive_int,
)
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.recording import Recorder
from kaconsole.errors import KaconsoleError


def require_terminal(cluster: str) -> None:
    """The console draws on a terminal and reads keys from it: without one (a pipe, /dev/null,
    cron) it would spin on a closed input, so it refuses and says what to run instead."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise KaconsoleError(
            "the console needs a terminal (stdin and stdout are not one); for one look "
            f"without a terminal run `kaconsole status {cluster} --json`"
        )


def add_console_options(parser: argparse.ArgumentParser) -> None:
    """Options the console and the demo share."""
    parser.add_argument(
        "--read-only", action="store_true", help="hide and refuse every action on nodes"
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="dark (default), light, high-contrast, colour-blind, or any themes/*.yaml; "
        "`t` cycles them in the console",
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="do not record this session (recordings: `kaconsole replay FILE`)",
    )
    parser.add_argument(
        "--pane-lines",
        type=positive_int,
        default=5_000,
        metavar="N",
        help="lines each pane keeps (default %(default)s): bounds memory under any log rate",
    )
    parser.add_argument(
        "--save-dir",
        type=Path,
        metavar="DIR",
        help="where ctrl+s screenshots, timelines and drill reports go "
        "(default: $XDG_STATE_HOME/kaconsole, beside the audit log)",
    )


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "console",
        help="the live console (TUI) on a cluster",
        description="Watch a keepalived cluster live and act on its nodes, with confirmation.",
    )
    parser.add_argument("cluster", nargs="*",
                        help="a cluster file; several, or directories of them, open the fleet "
                        "view (default: $KACONSOLE_CLUSTERS, else "
                        "$XDG_CONFIG_HOME/kaconsole/clusters/)")
    add_console_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if is_fleet(args.cluster):
        return _fleet(args)
    where = one_cluster(args.cluster)
    cluster = where.cluster
    from kaconsole.ui.app import make_app

    monitor, audit = ClusterMonitor(cluster, where.sessions), AuditLog()
    if not args.no_record:
        record(monitor, audit, "console")
    app = make_app(
        cluster,
        monitor=monitor,
        audit=audit,
        cluster_file=where.where,
        read_only=args.read_only,
        theme=args.theme,
        pane_lines=args.pane_lines,
        save_dir=args.save_dir,
    )
    require_terminal(where.where)  # after the options are checked: those errors come first
    return app.run() or 0


def record(monitor: ClusterMonitor, audit: AuditLog | None, purpose: str) -> Recorder:
    """Record what `monitor` folds (and `audit` writes) while its sessions run."""
    recorder = Recorder(monitor.cluster, purpose)
    monitor.recorder = recorder
    if audit is not None:
        recorder.attach(audit)
    return recorder


def _fleet(args: argparse.Namespace) -> int:
    """The fleet view on every readable cluster; a bad file is named and left out."""
    clusters, errors = load_clusters(cluster_paths(args.cluster))
    for _, error in errors:
        print(f"kaconsole: error: {error}", file=sys.stderr)
    if not clusters:
        return 2
    from kaconsole.ui.fleet_app import make_fleet_app

    app = make_fleet_app(clusters, read_only=args.read_only, theme=args.theme,
                         pane_lines=args.pane_lines)
    require_terminal(" ".join(args.cluster) or "DIR")
    return app.run() or 0
