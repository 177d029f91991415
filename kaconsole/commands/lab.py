"""`kaconsole lab up|down|status|fault|heal|build`: real keepalived, nginx, sshd nodes, locally."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from kaconsole.lab import build, configs, control, faults
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.registry import DEFAULT_DIR


def _default_dir() -> Path:
    return Path(os.environ.get("KACONSOLE_LAB_DIR", str(DEFAULT_DIR)))


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "lab",
        help="a local lab of real keepalived + nginx + sshd nodes (Linux, root)",
        description="Real keepalived, nginx and OpenSSH nodes in namespaces on this machine.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--dir",
        type=Path,
        default=_default_dir(),
        help="lab directory (keys, node files, cluster.yaml, state); default %(default)s "
        "or $KACONSOLE_LAB_DIR",
    )
    common.add_argument("--json", action="store_true", help="print JSON on stdout")
    actions = parser.add_subparsers(dest="lab_action", metavar="ACTION", required=True)

    up = actions.add_parser("up", parents=[common], help="bring the lab up (replaces any old one)")
    up.add_argument("--nodes", type=int, default=2, help="number of nodes (default 2)")
    up.add_argument("--instances", type=int, default=1, help="VRRP instances, VRIDs 51.. (1)")
    up.add_argument("--vrrp-version", type=int, choices=(2, 3), default=2)
    up.add_argument("--unicast", action="store_true", help="unicast peers instead of multicast")
    up.add_argument("--mgmt-net", default=configs.DEFAULT_MGMT_NET, metavar="SUBNET",
                    help=f"management subnet, inside {configs.LAB_RANGE} (default %(default)s)")
    up.add_argument("--svc-net", default=configs.DEFAULT_SVC_NET, metavar="SUBNET",
                    help=f"service subnet (VIPs), inside {configs.LAB_RANGE} "
                    "(default %(default)s)")
    up.add_argument("--keepalived", action="append", default=[], metavar="NODE=VERSION",
                    type=_node_version,
                    help="run that keepalived build on NODE (see `lab build`); repeatable")
    up.set_defaults(action=_up)

    actions.add_parser("down", parents=[common], help="remove everything the lab created")
    actions.choices["down"].set_defaults(action=_down)
    actions.add_parser("status", parents=[common], help="what runs in the lab now")
    actions.choices["status"].set_defaults(action=_status)

    fault = actions.add_parser(
        "fault",
        parents=[common],
        help="inject a fault into a node",
        epilog="kinds: " + "; ".join(f"{f.kind}: {f.description}" for f in faults.FAULTS.values()),
    )
    fault.add_argument("node")
    fault.add_argument("kind", choices=sorted(faults.FAULTS))
    fault.set_defaults(action=_fault)

    heal = actions.add_parser("heal", parents=[common], help="heal a node's faults (all or one)")
    heal.add_argument("node")
    heal.add_argument("kind", nargs="?", choices=sorted(faults.FAULTS))
    heal.set_defaults(action=_heal)

    make = actions.add_parser(
        "build",
        parents=[common],
        help="build another keepalived version from Debian's source package (cached)",
        description="Build keepalived VERSION into /opt/keepalived-VERSION, for "
        "`lab up --keepalived NODE=VERSION`; an existing working build is reused.",
    )
    make.add_argument("version", help="keepalived version, e.g. 2.3.3")
    make.set_defaults(action=_build)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    control.preflight()  # every action needs Linux, root and the tools: say so before acting
    status: int = args.action(args)
    return status


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data) if args.json else text)


def _node_version(text: str) -> tuple[str, str]:
    node, sep, version = text.partition("=")
    if not sep or not node or not build.valid_version(version):
        raise argparse.ArgumentTypeError(f"{text!r}: expected NODE=VERSION, e.g. node2=2.3.3")
    return node, version


def _up(args: argparse.Namespace) -> int:
    spec = LabSpec(args.nodes, args.instances, args.vrrp_version, args.unicast,
                   mgmt_net=args.mgmt_net, svc_net=args.svc_net, keepalived=dict(args.keepalived))
    started = time.monotonic()
    state = control.up(args.dir.resolve(), spec)
    seconds = round(time.monotonic() - started, 2)
    cluster = state.cluster_file
    text = (
        f"lab up in {seconds} s: {state.nodes} node{'s' * (state.nodes != 1)}, "
        f"{state.instances} instance{'s' * (state.instances != 1)}, "
        f"VRRPv{state.vrrp_version}{' unicast' if state.unicast else ''}, "
        f"VIP {', '.join(state.vips)}"
        + "".join(f", keepalived {v} on {n}" for n, v in sorted(state.keepalived.items()))
        + "\n"
        f"cluster file: {cluster}\n"
        f"next: kaconsole {cluster}\n"
        f"  or: kaconsole status {cluster} --json\n"
        f"done: kaconsole lab down --dir {state.dir}"
    )
    _emit(args, {"up": True, "seconds": seconds, "cluster_file": cluster, **state.to_json()}, text)
    return 0


def _down(args: argparse.Namespace) -> int:
    removed = control.down(args.dir.resolve())
    _emit(args, {"removed": removed}, "removed: " + (", ".join(removed) or "nothing"))
    return 0


def _status(args: argparse.Namespace) -> int:
    report = control.status(args.dir.resolve())
    if args.json:
        print(json.dumps(report))
    elif not report["nodes"]:
        leftovers = report["leftovers"]
        tail = f"; leftovers: {', '.join(leftovers)}" if leftovers else ""
        print(f"no lab in {report['dir']}{tail}")
    else:
        print(f"lab in {report['dir']}: cluster file {report['cluster_file']}")
        for node in report["nodes"]:
            services = " ".join(f"{k}={v}" for k, v in node["services"].items())
            extra = f" VIP {','.join(node['vips'])}" if node["vips"] else ""
            extra += f" faults: {','.join(node['faults'])}" if node["faults"] else ""
            state = "up" if node["running"] else "DOWN"
            version = f"keepalived {node['keepalived_version'] or '?'}"
            print(f"  {node['name']:<6} {node['mgmt_ip']:<15} {state:<4} {version:<17} "
                  f"{services}{extra}")
    return 0 if report["up"] else 1


def _fault(args: argparse.Namespace) -> int:
    description = faults.apply(args.dir.resolve(), args.node, args.kind)
    _emit(args, {"node": args.node, "fault": args.kind}, f"{args.node}: {args.kind}: {description}")
    return 0


def _heal(args: argparse.Namespace) -> int:
    healed = faults.heal(args.dir.resolve(), args.node, args.kind)
    _emit(
        args,
        {"node": args.node, "healed": healed},
        f"{args.node}: healed {', '.join(healed) or 'nothing (no active fault)'}",
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    started = time.monotonic()
    path = build.build(args.version, lambda line: print(line, file=sys.stderr))
    seconds = round(time.monotonic() - started, 1)
    _emit(args, {"version": args.version, "binary": str(path), "seconds": seconds},
          f"keepalived {args.version}: {path} ({seconds} s)")
    return 0
