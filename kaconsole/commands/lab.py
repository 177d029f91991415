"""`kaconsole lab up|down|status|fault|heal|build`: real keepalived, nginx, sshd nodes, locally."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from kaconsole.errors import LabError
from kaconsole.lab import build, configs, control, faults
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.names import LabNames, name_problem
from kaconsole.lab.registry import DEFAULT_DIR, load


def _default_dir(name: str | None = None) -> Path:
    """The default lab's directory, or a named lab's beside it (`lab-b`)."""
    base = Path(os.environ.get("KACONSOLE_LAB_DIR", str(DEFAULT_DIR)))
    return base if name is None else base.with_name(f"{base.name}-{name}")


def _lab_name(text: str) -> str:
    name = text.lower()
    problem = name_problem(name)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r}: {problem}")
    return name


def _where(args: argparse.Namespace) -> tuple[Path, str | None]:
    """The lab's directory and name: `--name` picks both; `--dir` alone takes the name of the
    lab whose state is there (none: the default lab)."""
    if args.dir is None:
        return _default_dir(args.name).resolve(), args.name
    lab_dir = args.dir.resolve()
    if args.name is None and args.lab_action != "up" and (state := load(lab_dir)) is not None:
        return lab_dir, state.name
    return lab_dir, args.name


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "lab",
        help="a local lab of real keepalived + nginx + sshd nodes (Linux, root)",
        description="Real keepalived, nginx and OpenSSH nodes in namespaces on this machine.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--name",
        type=_lab_name,
        help="a named lab, beside the default one: its own namespaces, subnets, VRIDs, keys "
        "and cluster file (1-6 lowercase letters and digits)",
    )
    common.add_argument(
        "--dir",
        type=Path,
        help=f"lab directory (keys, node files, cluster.yaml, state); default {_default_dir()} "
        f"or $KACONSOLE_LAB_DIR, {_default_dir('NAME')} with --name",
    )
    common.add_argument("--json", action="store_true", help="print JSON on stdout")
    actions = parser.add_subparsers(dest="lab_action", metavar="ACTION", required=True)

    up = actions.add_parser("up", parents=[common], help="bring the lab up (replaces any old one)")
    up.add_argument("--nodes", type=int, default=2, help="number of nodes (default 2)")
    up.add_argument("--instances", type=int, default=1,
                    help="VRRP instances, VRIDs 51.. (a named lab: 59..) (1)")
    up.add_argument("--vrrp-version", type=int, choices=(2, 3), default=2)
    up.add_argument("--unicast", action="store_true", help="unicast peers instead of multicast")
    up.add_argument("--mgmt-net", metavar="SUBNET",
                    help=f"management subnet, inside {configs.LAB_RANGE} (default "
                    f"{configs.DEFAULT_MGMT_NET}; a named lab: the next free /24 pair, "
                    f"{configs.slot_nets(1)[0]} first)")
    up.add_argument("--svc-net", metavar="SUBNET",
                    help=f"service subnet (VIPs), inside {configs.LAB_RANGE} (default "
                    f"{configs.DEFAULT_SVC_NET}; a named lab: {configs.slot_nets(1)[1]} first)")
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
    lab_dir, name = _where(args)
    given = [n for n in (args.mgmt_net, args.svc_net) if n is not None]
    if name is not None and len(given) == 1:
        raise LabError("a named lab takes both --mgmt-net and --svc-net, or neither")
    nets = {"mgmt_net": args.mgmt_net or configs.DEFAULT_MGMT_NET,
            "svc_net": args.svc_net or configs.DEFAULT_SVC_NET}
    spec = LabSpec(args.nodes, args.instances, args.vrrp_version, args.unicast,
                   keepalived=dict(args.keepalived), name=name, **nets)
    started = time.monotonic()
    state = control.up(lab_dir, spec, place=name is not None and not given)
    seconds = round(time.monotonic() - started, 2)
    cluster = state.cluster_file
    text = (
        f"{LabNames(name).label} up in {seconds} s: "
        f"{state.nodes} node{'s' * (state.nodes != 1)}, "
        f"{state.instances} instance{'s' * (state.instances != 1)}, "
        f"VRRPv{state.vrrp_version}{' unicast' if state.unicast else ''}, "
        f"VIP {', '.join(state.vips)}, subnets {state.mgmt_net} {state.svc_net}"
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
    removed = control.down(*_where(args))
    _emit(args, {"removed": removed}, "removed: " + (", ".join(removed) or "nothing"))
    return 0


def _status(args: argparse.Namespace) -> int:
    report = control.status(*_where(args))
    if args.json:
        print(json.dumps(report))
    elif not report["nodes"]:
        leftovers = report["leftovers"]
        tail = f"; leftovers: {', '.join(leftovers)}" if leftovers else ""
        print(f"no {LabNames(report['name']).label} in {report['dir']}{tail}")
    else:
        print(f"{LabNames(report['name']).label} in {report['dir']}: "
              f"cluster file {report['cluster_file']}")
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
    description = faults.apply(_where(args)[0], args.node, args.kind)
    _emit(args, {"node": args.node, "fault": args.kind}, f"{args.node}: {args.kind}: {description}")
    return 0


def _heal(args: argparse.Namespace) -> int:
    healed = faults.heal(_where(args)[0], args.node, args.kind)
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
