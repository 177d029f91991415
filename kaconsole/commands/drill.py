"""`kaconsole drill CLUSTER.yaml DRILL [--yes] [--report FILE.json]`: a guided failover drill.

Exit 0 every step passed, 1 a step failed or the drill was aborted, 2 error (a bad cluster file
or runbook, or a cluster not fit to drill: nothing ran). Ctrl+C aborts at the current step and
offers the rollback; a second ctrl+c stops at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from kaconsole.commands.console import record
from kaconsole.commands.inputs import (
    Target,
    cluster_paths,
    is_fleet,
    load_clusters,
    one_cluster,
)
from kaconsole.drills.events import ConfirmRequest, DrillEvent
from kaconsole.drills.model import Runbook
from kaconsole.drills.report import DrillReport
from kaconsole.drills.runbook import builtin_names, load_drill
from kaconsole.drills.runner import DrillRunner
from kaconsole.engine.actions import Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.errors import ActionRefused, InputError

#: Threads for the 100 ms VIP probes (each waits up to its timeout) beside the SSH work.
PROBE_THREADS = 16


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "drill",
        help="run a failover drill: exit 0 all steps passed, 1 a step failed, 2 error",
        description="Walk through a failover drill step by step: act only when told, wait for "
        "evidence from the nodes, probe the VIP every 100 ms, and write a report.",
        epilog="built-in drills: " + ", ".join(builtin_names()),
    )
    parser.add_argument("cluster", nargs="*",
                        help="cluster files or directories of them (or demo), drilled "
                        "one after the other (default: $KACONSOLE_CLUSTERS, else "
                        "$XDG_CONFIG_HOME/kaconsole/clusters/)")
    parser.add_argument("drill", help="a built-in drill's name, or a runbook file (YAML)")
    parser.add_argument("--yes", action="store_true",
                        help="answer yes to every confirmation (no prompts; for CI)")
    parser.add_argument("--report", type=Path, metavar="FILE.json",
                        help="write the JSON report there, and FILE.md beside it, step by step")
    parser.add_argument("--json", action="store_true",
                        help="print the final JSON report on stdout (progress goes to stderr)")
    parser.add_argument("--read-only", action="store_true",
                        help="refuse every action (a drill that acts then fails at that step)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    targets = _targets(args.cluster)
    runbook = load_drill(args.drill)
    if not args.yes and not sys.stdin.isatty():
        raise InputError("--yes", "no terminal to confirm steps on: pass --yes to run "
                         "without prompts")
    out = sys.stderr if args.json else sys.stdout
    if not is_fleet(args.cluster):
        report = asyncio.run(_drill(targets[0], runbook, args, args.report, out))
        if args.json:
            json.dump(report.to_json(), sys.stdout)
            sys.stdout.write("\n")
        return 0 if report.result == "passed" else 1
    reports: list[DrillReport] = []
    for where in targets:  # one at a time, and not past a cluster that did not pass
        cluster = where.cluster
        path = args.report and args.report.with_name(
            f"{args.report.stem}-{cluster.name}{args.report.suffix}")
        reports.append(asyncio.run(_drill(where, runbook, args, path, out)))
        if reports[-1].result != "passed":
            break
    if args.json:
        json.dump({"clusters": [r.to_json() for r in reports]}, sys.stdout)
        sys.stdout.write("\n")
    passed = len(reports) == len(targets) and reports[-1].result == "passed"
    return 0 if passed else 1


def _targets(given: list[str]) -> list[Target]:
    """Every cluster to drill, all checked before the first step runs: a bad file or a
    read-only cluster refuses the whole command (exit 2, nothing touched)."""
    if not is_fleet(given):
        targets = [one_cluster(given)]
    else:
        clusters, errors = load_clusters(cluster_paths(given))
        if errors:
            raise errors[0][1]
        targets = [Target(cluster, cluster.path) for cluster in clusters]
    for cluster in (t.cluster for t in targets):
        if cluster.read_only:
            raise ActionRefused(f"{cluster.path}: cluster {cluster.name} is read-only "
                                "(read_only: true in its file): no drill runs there; "
                                "nothing was touched")
    return targets


async def _drill(where: Target, runbook: Runbook, args: argparse.Namespace,
                 report_path: Path | None, out: TextIO) -> DrillReport:
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(PROBE_THREADS, thread_name_prefix="probe"))
    cluster = where.cluster
    monitor, audit = ClusterMonitor(cluster, where.sessions), AuditLog()
    record(monitor, audit, f"drill-{runbook.name}")
    actions = Actions(cluster, monitor.runner, audit, read_only=args.read_only)

    async def confirm(request: ConfirmRequest) -> bool:
        if args.yes:
            print(f"  ? {request.prompt} yes (--yes)", file=out, flush=True)
            return True
        print(f"  ? {request.prompt} [y/N] ", end="", file=out, flush=True)
        return (await _read_line()).strip().lower() in ("y", "yes")

    runner = DrillRunner(runbook, monitor, actions, confirm=confirm,
                         on_event=lambda e: _show(e, out), report_path=report_path)
    sessions = asyncio.create_task(monitor.run(), name="drill-sessions")
    drill = asyncio.current_task()

    interrupts = 0

    def interrupt() -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts == 1:
            print("\n  ! aborting at the current step (ctrl+c again stops at once)", file=out)
            runner.abort()
        elif drill is not None:
            drill.cancel()

    loop.add_signal_handler(signal.SIGINT, interrupt)
    try:
        return await runner.run()
    except asyncio.CancelledError:
        return runner.report  # stopped at once: the report says so, written already
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        sessions.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sessions


async def _read_line() -> str:
    """One line from the terminal, cancellable (an abort must not leave a reader behind)."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def ready() -> None:
        if not line.done():
            line.set_result(sys.stdin.readline())

    loop.add_reader(sys.stdin.fileno(), ready)
    try:
        return await line
    finally:
        loop.remove_reader(sys.stdin.fileno())


def _show(event: DrillEvent, out: TextIO) -> None:
    """Progress lines for a terminal or a CI log: each step as it starts and ends."""
    r = event.report
    if event.kind == "started":
        print(f"drill {r.drill} on {r.cluster}: {r.title}", file=out)
    elif event.kind == "step_started" and event.index is not None:
        rec = (r.steps if event.section == "steps" else r.rollback)[event.index]
        tag = "rollback " if event.section == "rollback" else ""
        if rec.kind != "say":
            print(f"[{tag}{event.index + 1}] {rec.title}", file=out)
    elif event.kind == "evidence":
        print(f"    ... {event.text}", file=out)
    elif event.kind == "step_finished" and event.index is not None:
        rec = (r.steps if event.section == "steps" else r.rollback)[event.index]
        if rec.kind == "say":
            print(f"[{event.index + 1}] {rec.evidence}", file=out)
        else:
            print(f"    {rec.status.upper()} ({rec.duration_s} s): {rec.evidence}", file=out)
    elif event.kind == "finished":
        m = r.measurements
        print(f"result: {r.result}; failover {m.failover_seconds} s, client outage "
              f"{m.client_outage_seconds} s, expected master-down "
              f"{r.expected.get('master_down')} s", file=out)
        for note in r.notes:
            print(f"  note: {note}", file=out)
    out.flush()
