"""`kaconsole serve FILE [--host 127.0.0.1] [--port N]`: let a team watch a session in a browser.

Serves the read-only follower (`kaconsole replay --follow FILE`) over HTTP; the first line of
output is the URL with its access token. Nothing served can act on a node.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

from kaconsole.engine.playback import is_recording
from kaconsole.errors import InputError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="serve the read-only follower of a recording over HTTP (URL and token printed)",
        description="Let observers follow a live recording in a browser: read-only, localhost "
        "by default, an access token in the URL.",
    )
    parser.add_argument("file", help="a recording (.karec), usually one being written")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not is_recording(args.file):
        raise InputError(args.file, "not a kaconsole recording")
    from kaconsole.ui.serve import TokenServer, follower_command

    token = secrets.token_urlsafe(24)
    host = f"[{args.host}]" if ":" in args.host else args.host
    public = f"http://{host}:{args.port}"
    print(f"{public}/?token={token}", flush=True)
    print(f"serving the read-only follower of {args.file}; ctrl+c stops", file=sys.stderr)
    server = TokenServer(follower_command(args.file), token, host=args.host, port=args.port,
                         title="kaconsole (read-only)", public_url=public)
    server.serve()
    return 0
