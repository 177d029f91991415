"""`kaconsole demo`: the console on clusters/demo.yaml, played by simulated nodes.

The simulated nodes behave like keepalived and nginx and feed the same parsers real nodes do;
nothing touches the network and nothing needs root.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kaconsole.commands.console import add_console_options
from kaconsole.core.inventory.load import load_cluster

#: clusters/demo.yaml at the repository root.
DEMO_CLUSTER = Path(__file__).resolve().parents[2] / "clusters" / "demo.yaml"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="the live console on the built-in demo cluster: no network, no root",
        description="The console on clusters/demo.yaml with simulated keepalived + nginx nodes.",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated time per real second (default 1)"
    )
    add_console_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    cluster = load_cluster(DEMO_CLUSTER)
    from kaconsole.sim.cluster import demo_sessions
    from kaconsole.ui.app import make_app

    app = make_app(
        cluster,
        sessions=demo_sessions(cluster, speed=args.speed),
        cluster_file=str(DEMO_CLUSTER),
        read_only=args.read_only,
        theme=args.theme,
        pane_lines=args.pane_lines,
    )
    return app.run() or 0
