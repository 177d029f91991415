"""`kaconsole demo`: the console on clusters/demo.yaml, played by simulated nodes.

The simulated nodes behave like keepalived and nginx and feed the same parsers real nodes do;
nothing touches the network and nothing needs root.
"""

from __future__ import annotations

import argparse
from typing import Any

from kaconsole.commands.console import add_console_options
from kaconsole.sim.cluster import demo_cluster


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
    cluster, where = demo_cluster()
    from kaconsole.sim.cluster import demo_sessions
    from kaconsole.ui.app import make_app

    app = make_app(
        cluster,
        sessions=demo_sessions(cluster, speed=args.speed),
        cluster_file=where,
        read_only=args.read_only,
        theme=args.theme,
        pane_lines=args.pane_lines,
    )
    return app.run() or 0
