"""`kaconsole replay FILE [--speed N] [--at TIME] [--follow]`: a recorded session, replayed.

The console's own screen, fed from the recording instead of SSH: read-only by construction.
`--follow` tails a recording still being written (an observer watches the operator's session
live, without SSH or any action key).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "replay",
        help="replay a recorded session (read-only console); --follow watches a live one",
        description="Replay a recording (from ~/.local/state/kaconsole/recordings/) in the "
        "console: space pauses, left/right step between transitions and anomalies, [ ] seek "
        "10 s. Nothing reaches a node.",
    )
    add_player_options(parser)
    parser.add_argument("--theme", metavar="NAME", help="the console theme")
    parser.set_defaults(func=run)


def add_player_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a recording (.karec)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="recorded seconds per real second (default 1)")
    parser.add_argument("--at", metavar="TIME",
                        help="start there: 90, +1:30 from the start, 14:03:07, or an ISO time")
    parser.add_argument("--follow", action="store_true",
                        help="tail a recording still being written, from its end")


def run(args: argparse.Namespace) -> int:
    from kaconsole.engine.replay import Player
    from kaconsole.ui.replay import replay_app

    player = Player(args.file)
    at = player.parse_time(args.at) if args.at else None
    app = replay_app(player, speed=args.speed, at=at, follow=args.follow, theme=args.theme)
    return app.run() or 0
