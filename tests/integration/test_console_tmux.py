"""The console in a real terminal (tmux) against the lab: `a`, `1`, `y` stops nginx on the
MASTER; the node list then shows the BACKUP as MASTER; at 100 columns the takeover's detail view
reads its whole cause, and the wire pane scrolls back to the priority-0 advert. Restores node1
afterwards.

Run only under the lab lock:
`flock /var/lib/kaconsole/lab.lock python -m pytest tests/integration/test_console_tmux.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import yaml

from kaconsole.cli import COMMANDS
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab
#: Deadline for anything the screen or the lab must show: generous, as a loaded machine is slow;
#: a passing run never waits for it.
SLOW = 60.0

#: Starts the console on a cluster file, whether or not `console` is routed by the CLI yet.
LAUNCH = (
    "import argparse, sys; from kaconsole.commands import console; "
    "p = argparse.ArgumentParser(); console.register(p.add_subparsers()); "
    "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
)


def console_command(cluster_file: Path) -> list[str]:
    if "console" in COMMANDS:
        return [sys.executable, "-m", "kaconsole", "console", str(cluster_file)]
    return [sys.executable, "-c", LAUNCH, "console", str(cluster_file)]


def _async(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def wrapped() -> bool:
        return check()

    return wrapped


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *args], capture_output=True, text=True, check=True, timeout=30)
    return done.stdout


def node_row(screen: str, node: str) -> str | None:
    """The node list's row of `node` (the only lines with its reachability word)."""
    return next(
        (line for line in screen.splitlines() if f" {node} " in line and "✔ up" in line), None
    )


async def screen_shows(session: str, what: str, check: object, timeout: float) -> str:
    started = time.monotonic()
    while True:
        screen = tmux("capture-pane", "-p", "-t", session)
        if callable(check) and check(screen):
            return screen
        if time.monotonic() - started > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for {what}; screen:\n{screen}")
        await asyncio.sleep(0.2)


def keys(session: str, *names: str) -> None:
    tmux("send-keys", "-t", session, *names)


@asynccontextmanager
async def failed_over(
    lab: Lab, tmp_path: Path, width: int, height: int
) -> AsyncIterator[tuple[str, Path]]:
    """The console in tmux, after `a 1 y` on node1 and node2's takeover; node1 restored after."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    cluster_file = lab.dir / "cluster.yaml"
    services = yaml.safe_load(cluster_file.read_text())["services"]
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]))
    session = f"kaconsole-test-{os.getpid()}"
    audit = tmp_path / "audit.jsonl"
    command = " ".join(map(shlex.quote, console_command(cluster_file)))
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        str(width),
        "-y",
        str(height),
        f"cd {shlex.quote(str(tmp_path))} && KACONSOLE_AUDIT_LOG={shlex.quote(str(audit))} "
        f"{command}; sleep 60",
    )
    try:
        await screen_shows(
            session,
            "node1 MASTER and node2 BACKUP in the node list",
            lambda s: (
                "MASTER" in (node_row(s, "node1") or "")
                and "BACKUP" in (node_row(s, "node2") or "")
            ),
            timeout=SLOW,
        )
        keys(session, "a")
        await screen_shows(session, "the actions menu", lambda s: "Actions on node1" in s, SLOW)
        keys(session, "1")
        await screen_shows(
            session,
            "the confirmation with the exact command",
            lambda s: "Stop nginx on node1?" in s and services["nginx"]["stop"] in s,
            SLOW,
        )
        keys(session, "y")
        # node2's takeover and node1's resignation reach the console on separate streams (and
        # a loaded machine delays either): wait for the screen to show both, not one then assume
        await screen_shows(
            session,
            "node2 MASTER and node1 no longer MASTER in the node list",
            lambda s: "MASTER" in (node_row(s, "node2") or "")
            and "MASTER" not in (node_row(s, "node1") or ""),
            timeout=SLOW,
        )
        await eventually("VIP on node2 only", lambda: lab.holders_are(["node2"]), timeout=SLOW)
        yield session, audit
    finally:
        await asyncio.to_thread(
            subprocess.run, ["tmux", "kill-session", "-t", session], capture_output=True
        )
        await lab.sh("node1", services["nginx"]["start"])

        # a keepalived started before the old one has exited refuses to run
        async def keepalived_gone() -> bool:
            status, _ = await lab.sh("node1", services["keepalived"]["status"])
            return status != 0

        await eventually("keepalived stopped on node1", keepalived_gone, timeout=SLOW)
        await lab.sh("node1", services["keepalived"]["start"])
        await eventually("VIP back on node1", lambda: lab.holders_are(["node1"]), timeout=SLOW)


async def test_a_1_y_stops_nginx_on_the_master_and_the_backup_takes_over(
    lab: Lab, tmp_path: Path
) -> None:
    async with failed_over(lab, tmp_path, 160, 50) as (_, audit):

        def audited() -> list[str]:
            return [json.loads(line)["phase"] for line in audit.read_text().splitlines()]

        await eventually("the action's completion audited",
                         _async(lambda: audited() == ["started", "completed"]), timeout=SLOW)


#: The detail view of an advert: its priority field (padded; "priority 100" elsewhere is not it).
ADVERT_PRIORITY = re.compile(r"\bpriority {5,}(\d+)\b")


async def test_at_100_columns_the_takeover_reads_whole_and_the_wire_scrolls_back_to_it(
    lab: Lab, tmp_path: Path
) -> None:
    async with failed_over(lab, tmp_path, 100, 40) as (session, _):
        # the timeline, the takeover found by search, its detail view: the whole cause
        keys(session, "e", "/")
        await screen_shows(session, "the search field", lambda s: "search the pane" in s, SLOW)
        tmux("send-keys", "-t", session, "-l", "priority_zero")
        keys(session, "Enter")
        await screen_shows(session, "the search kept", lambda s: "/priority_zero (n/N)" in s,
                           SLOW)
        keys(session, "Enter")
        read = await screen_shows(session, "the takeover's detail view",
                                  lambda s: "cause chain" in s, SLOW)
        assert "node2: VI_CLUSTER BACKUP → MASTER" in read
        shown = read
        while not ("sent priority 0" in read and "took over" in read):
            # read on down from the keyboard: each j scrolls a line (a stuck screen times out)
            keys(session, "j")
            before = shown
            shown = await screen_shows(session, "the detail view scrolled a line",
                                       lambda s, before=before: s != before, SLOW)
            read += shown
        keys(session, "Escape")
        # closed when the node list shows again: a detail view scrolled down no longer shows
        # its "cause chain" heading
        await screen_shows(session, "the detail view closed",
                           lambda s: "MASTER" in (node_row(s, "node2") or ""), SLOW)
        # the wire pane, read back line by line from the keyboard to node1's priority 0
        keys(session, "w")
        await screen_shows(session, "the wire pane", lambda s: "[w wire]" in s, SLOW)
        for _ in range(200):
            keys(session, "Enter")
            shown = await screen_shows(session, "an advert's detail view",
                                       lambda s: "advert captured on" in s, SLOW)
            found = ADVERT_PRIORITY.search(shown)
            keys(session, "Escape")
            await screen_shows(session, "the detail view closed",
                               lambda s: "advert captured on" not in s, SLOW)
            if found and found.group(1) == "0":
                break
            keys(session, "k")
        else:
            pytest.fail("no priority-0 advert in the wire pane")
        assert "PAUSED" in tmux("capture-pane", "-p", "-t", session)
