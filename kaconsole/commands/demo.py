"""`kaconsole demo`: the console on clusters/demo.yaml, played by simulated nodes.

The simulated nodes behave like keepalived and nginx and feed the same parsers real nodes do;
nothing touches the network and nothing needs root.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from kaconsole.commands.console import add_console_options, require_terminal
from kaconsole.commands.inputs import positive_float
from kaconsole.errors import InputError
from kaconsole.sim.cluster import demo_cluster


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="the live console on the built-in demo cluster: no network, no root",
        description="The console on clusters/demo.yaml with simulated keepalived + nginx nodes.",
    )
    parser.add_argument(
        "--speed",
        type=positive_float,
        default=1.0,
        help="simulated time per real second, above 0 (default 1)",
    )
    parser.add_argument(
        "--clock-skew", action="append", default=[], type=_node_seconds, metavar="NODE=SECONDS",
        help="set a simulated node's clock SECONDS ahead of the console's (negative: behind), "
        "to see the timeline keep one clock and the skew reported; repeatable",
    )
    parser.add_argument(
        "--fleet", nargs="?", type=int, const=6, metavar="N",
        help="a fleet of N simulated clusters (default 6), one of them (db-eu) in split brain",
    )
    add_console_options(parser)
    parser.set_defaults(func=run)


def _node_seconds(text: str) -> tuple[str, float]:
    node, sep, seconds = text.partition("=")
    try:
        value = float(seconds) if sep and node else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r}: expected NODE=SECONDS, e.g. node2=3.5")
    return node, value


def run(args: argparse.Namespace) -> int:
    if args.fleet is not None:
        from kaconsole.sim.fleet import demo_fleet, fleet_sessions
        from kaconsole.ui.fleet_app import make_fleet_app

        if args.fleet < 1:
            raise InputError("--fleet", "at least one cluster")
        fleet = make_fleet_app(demo_fleet(args.fleet), sessions=fleet_sessions(speed=args.speed),
                               read_only=args.read_only, theme=args.theme,
                               pane_lines=args.pane_lines)
        require_terminal("demo")
        return fleet.run() or 0
    cluster, where = demo_cluster()
    skew = dict(args.clock_skew)
    unknown = sorted(set(skew) - {n.name for n in cluster.nodes})
    if unknown:
        raise InputError("--clock-skew", f"no node {', '.join(unknown)} in the demo cluster")
    from kaconsole.sim.cluster import demo_sessions
    from kaconsole.ui.app import make_app

    app = make_app(
        cluster,
        sessions=demo_sessions(cluster, speed=args.speed, skew=skew),
        cluster_file=where,
        read_only=args.read_only,
        theme=args.theme,
        pane_lines=args.pane_lines,
        save_dir=args.save_dir,
    )
    require_terminal("demo")  # after the options are checked: those errors come first
    return app.run() or 0
