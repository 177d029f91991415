"""`kaconsole CLUSTER.yaml [--read-only] [--theme NAME]`: the live console (CONTRACTS.md §2, §8).

Textual is imported only when the console starts, so the headless commands never load it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kaconsole.commands.inputs import cluster_paths, is_fleet, load_clusters, one_cluster


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
        "--pane-lines",
        type=int,
        default=5_000,
        metavar="N",
        help="lines each pane keeps (default %(default)s): bounds memory under any log rate",
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
    cluster, path = one_cluster(args.cluster)
    from kaconsole.ui.app import make_app

    app = make_app(
        cluster,
        cluster_file=path,
        read_only=args.read_only,
        theme=args.theme,
        pane_lines=args.pane_lines,
    )
    return app.run() or 0


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
    return app.run() or 0
