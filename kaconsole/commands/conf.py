"""`kaconsole conf parse FILE [--json]`: a keepalived.conf and its includes as the model.

Exit 0 when the configuration parses, 1 when it has parse errors or keepalived would complain
(unknown keywords, refused values; the model is still printed), 2 when FILE cannot be read.
Includes are read from the real file system, relative to the
including file as keepalived does; an unreadable include is a problem in the model, not exit 2.
"""

from __future__ import annotations

import argparse
import glob as globlib
import json
import os
import sys
from typing import Any

from kaconsole.core.conf.model import KeepalivedConfig, VrrpInstance
from kaconsole.core.conf.parse import parse_config
from kaconsole.core.redact import printable, redact_args
from kaconsole.errors import InputError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "conf", help="keepalived.conf tools",
        description="Read keepalived.conf files the way keepalived does.")
    conf_sub = parser.add_subparsers(dest="conf_command", metavar="ACTION", required=True)
    parse = conf_sub.add_parser(
        "parse", help="keepalived.conf (includes followed) to its model",
        description="Print the model of a keepalived.conf; exit 0 ok, 1 parse errors, "
                    "2 unreadable. Secrets are printed as ***.")
    parse.add_argument("file", metavar="FILE", help="the keepalived.conf to read")
    parse.add_argument("--json", action="store_true", help="print the model as JSON")
    parse.add_argument("--config-id", metavar="ID", default=None,
                       help="keepalived's -i: which `@ID` lines apply (default: none do)")
    parse.set_defaults(func=run)


def read_text(path: str) -> str:
    """A config file as keepalived sees it: bytes, undecodable ones replaced."""
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8", errors="replace")


def glob_files(pattern: str) -> list[str]:
    """Regular, non-executable files matching `pattern` (keepalived skips the others)."""
    return sorted(path for path in globlib.glob(pattern)
                  if os.path.isfile(path) and not os.access(path, os.X_OK))


def run(args: argparse.Namespace) -> int:
    path: str = args.file
    try:
        text = read_text(path)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    config = parse_config(text, path=path, read=read_text, glob=glob_files,
                          config_id=args.config_id)
    if args.json:
        json.dump(config.to_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable(summary(config)))
    return 1 if config.errors or any(w.code for w in config.warnings) else 0


def summary(config: KeepalivedConfig) -> str:
    """A few readable lines per block, then the problems with file:line."""
    g = config.global_defs
    lines = [f"files: {', '.join(config.files)}",
             f"global: router_id {g.router_id or '(hostname)'}, VRRP v{g.vrrp_version}"
             f"{', vrrp_strict' if g.vrrp_strict else ''}"
             f"{', script security' if g.enable_script_security else ''}"]
    for script in config.scripts:
        lines.append(f"vrrp_script {script.name}: {script.script or '(no script)'} every "
                     f"{script.interval:g}s, weight {script.weight:+d}, fall {script.fall}, "
                     f"rise {script.rise}")
    lines.extend(_instance_line(instance) for instance in config.instances)
    for group in config.sync_groups:
        lines.append(f"vrrp_sync_group {group.name}: {', '.join(group.group) or '(empty)'}")
    for server in config.virtual_servers:
        lines.append(f"virtual_server {_endpoint(server.address, server.port)} {server.protocol} "
                     f"{server.lb_algo or '-'}/{server.lb_kind or '-'}: "
                     f"{len(server.real_servers)} real servers")
        for real in server.real_servers:
            checks = ", ".join(c.kind for c in real.checkers) or "no checker"
            lines.append(f"  real_server {_endpoint(real.address, real.port)} "
                         f"weight {real.weight} ({checks})")
    for stmt in config.other:
        words = [stmt.key, *redact_args(stmt.key, stmt.args)]
        lines.append(" ".join(words) + " (kept, not modelled)")
    lines.extend(f"error: {p}" for p in config.errors)
    lines.extend(f"warning: {p}" for p in config.warnings)
    return "\n".join(lines) + "\n"


def _endpoint(address: str, port: int | None) -> str:
    if port is None:
        return address
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _instance_line(i: VrrpInstance) -> str:
    vips = ", ".join(v.raw for v in i.virtual_ipaddress) or "none"
    tracks = ", ".join(t.name + (f" ({t.weight:+d})" if t.weight is not None else "")
                       for t in i.track_script)
    auth = i.authentication
    parts = [f"vrrp_instance {i.name}: {i.state or '?'} on {i.interface or '?'}, "
             f"vrid {i.virtual_router_id}, priority {i.priority}, advert {i.advert_int:g}s",
             f"VIPs {vips}"]
    if i.nopreempt:
        parts.append("nopreempt")
    if auth is not None:
        parts.append(f"auth {auth.auth_type or '?'} {auth.auth_pass or ''}".rstrip())
    if i.unicast_peer:
        parts.append(f"unicast peers {', '.join(i.unicast_peer)}")
    if tracks:
        parts.append(f"track_script {tracks}")
    return "; ".join(parts)
